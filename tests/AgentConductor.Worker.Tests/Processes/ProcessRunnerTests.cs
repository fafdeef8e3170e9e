using AgentConductor.TestSupport;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Secrets;
using static AgentConductor.Worker.Tests.Processes.ProcessTestHelpers;

namespace AgentConductor.Worker.Tests.Processes;

public sealed class ProcessRunnerTests
{
    private readonly List<OutputLine> _lines = [];

    private CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_ArgumentsWithSpacesQuotesAndSubstitutions_PassedLiterally()
    {
        using var temp = new TempDirectory();
        var marker = temp.File("touched");
        string[] arguments = ["two words", "it's", "\"quoted\"", $"$(touch {marker})", "*", "`id`", "a\\b", ""];

        var result = await Runner().RunAsync(Shell("for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done", arguments), Collect, Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(arguments.Select(a => $"[{a}]"), _lines.Select(l => l.Text));
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task RunAsync_EnvironmentChanges_AddedAndRemovedVariablesSeenByChild()
    {
        var inherited = $"AC_TEST_INHERITED_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(inherited, "present");
        var script = $"echo \"${{AC_TEST_ADDED-unset}} ${{{inherited}-unset}}\"";

        await Runner().RunAsync(Shell(script) with { Environment = new Dictionary<string, string?> { ["AC_TEST_ADDED"] = "added value", [inherited] = null } }, Collect, Token);
        await Runner().RunAsync(Shell(script), Collect, Token);

        Assert.Equal(["added value unset", "unset present"], _lines.Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_StdinText_ChildReadsItAndSeesEndOfInput()
    {
        var result = await Runner().RunAsync(new ProcessSpec { FileName = "cat", Stdin = StdinSource.FromText("first\nsecond ünïcode $(x)\n") }, Collect, Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["first", "second ünïcode $(x)"], _lines.Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_StdinFile_ChildReadsTheFile()
    {
        using var temp = new TempDirectory();
        await File.WriteAllLinesAsync(temp.File("input.txt"), Enumerable.Range(1, 5000).Select(i => $"line {i}"), Token);

        await Runner().RunAsync(new ProcessSpec { FileName = "cat", Stdin = StdinSource.FromFile(temp.File("input.txt")) }, Collect, Token);

        Assert.Equal(5000, _lines.Count);
        Assert.Equal("line 5000", _lines[^1].Text);
    }

    [Fact]
    public async Task RunAsync_BothStreams_LinesTaggedAndInOrderPerStream()
    {
        var script = "for i in 1 2 3; do echo out$i; echo err$i >&2; done";

        await Runner().RunAsync(Shell(script), Collect, Token);

        Assert.Equal(["out1", "out2", "out3"], _lines.Where(l => l.Stream == OutputStream.StandardOutput).Select(l => l.Text));
        Assert.Equal(["err1", "err2", "err3"], _lines.Where(l => l.Stream == OutputStream.StandardError).Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_LineArrives_HandedOverWhileTheProcessStillRuns()
    {
        using var temp = new TempDirectory();
        var go = temp.File("go");
        var spec = Shell("echo first; while [ ! -f \"$1\" ]; do sleep 0.05; done; echo second", go) with { Timeout = TimeSpan.FromSeconds(20) };

        var result = await Runner().RunAsync(spec, line =>
        {
            _lines.Add(line);
            if (line.Text == "first")
            {
                File.WriteAllText(go, "");
            }

            return ValueTask.CompletedTask;
        }, Token);

        Assert.False(result.TimedOut);
        Assert.Equal(["first", "second"], _lines.Select(l => l.Text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(255)]
    public async Task RunAsync_ExitCode_Reported(int code)
    {
        var result = await Runner().RunAsync(Shell($"exit {code}"), null, Token);

        Assert.Equal(new ProcessResult(code, false, false, false, result.Duration), result);
    }

    [Fact]
    public async Task RunAsync_LargeOutputOnBothStreams_FullyDrained()
    {
        var script = "for (let i = 0; i < 100000; i++) { process.stdout.write(`o${i}\\n`); if (i % 10 === 0) process.stderr.write(`e${i}\\n`); }";

        var result = await Runner().RunAsync(Node(script), async line =>
        {
            _lines.Add(line);
            if (_lines.Count % 5000 == 0)
            {
                await Task.Delay(5, Token); // a slow consumer must not lose lines
            }
        }, Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(100000, _lines.Count(l => l.Stream == OutputStream.StandardOutput));
        Assert.Equal(10000, _lines.Count(l => l.Stream == OutputStream.StandardError));
        Assert.Equal("o99999", _lines.Last(l => l.Stream == OutputStream.StandardOutput).Text);
    }

    [Fact]
    public async Task RunAsync_MaskerRegistered_LinesMaskedBeforeTheHandler()
    {
        var masker = new SecretMasker();
        masker.AddValue("hunter2-secret");

        await Runner(masker).RunAsync(Shell("echo token=hunter2-secret; echo hunter2-secret >&2"), Collect, Token);

        Assert.Equal(["token=***", "***"], _lines.OrderBy(l => l.Stream).Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_MissingProgram_Throws()
    {
        await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(
            () => Runner().RunAsync(new ProcessSpec { FileName = "/nonexistent/program" }, null, Token));
    }

    private ValueTask Collect(OutputLine line)
    {
        _lines.Add(line);
        return ValueTask.CompletedTask;
    }
}
