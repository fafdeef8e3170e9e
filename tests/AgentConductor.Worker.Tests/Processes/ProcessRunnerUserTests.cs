using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Tests.Fakes;
using static AgentConductor.Worker.Tests.Processes.ProcessTestHelpers;

namespace AgentConductor.Worker.Tests.Processes;

/// <summary>Children started with an exact environment, and as another user (setpriv).</summary>
public sealed class ProcessRunnerUserTests
{
    private readonly List<OutputLine> _lines = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_ExactEnvironment_ChildSeesOnlyWhatTheSpecGives()
    {
        var inherited = $"AC_TEST_NOT_GIVEN_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(inherited, "present");

        await Runner().RunAsync(
            new ProcessSpec { FileName = "/usr/bin/env", InheritEnvironment = false, Environment = new Dictionary<string, string?> { ["ONLY"] = "this", ["DROPPED"] = null } },
            Collect,
            Token);

        Assert.Equal(["ONLY=this"], _lines.Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_AsAnotherUser_ItsUidNoCapabilitiesNoNewPrivilegesAndTheParentOutOfReach()
    {
        AgentUsers.RequireSeparation();
        var script = $"id -u; id -g; id -G; grep -E '^(CapEff|NoNewPrivs):' /proc/self/status; cat /proc/{Environment.ProcessId}/environ >/dev/null 2>&1 && echo read || echo denied";

        var result = await Runner().RunAsync(
            Shell(script) with { RunAs = AgentUsers.Agent, InheritEnvironment = false, Environment = new Dictionary<string, string?> { ["PATH"] = "/usr/bin:/bin" } },
            Collect,
            Token);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["10001", "10001", "10001", "CapEff:\t0000000000000000", "NoNewPrivs:\t1", "denied"], _lines.Select(l => l.Text));
    }

    [Fact]
    public async Task RunAsync_AsAnotherUserCancelled_InterruptedAndGone()
    {
        AgentUsers.RequireSeparation();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = Runner().RunAsync(
            Shell("echo started; exec sleep 60") with { RunAs = AgentUsers.Agent, InterruptGrace = TimeSpan.FromSeconds(5) },
            async line =>
            {
                await Collect(line);
                await cancel.CancelAsync();
            },
            cancel.Token);

        var result = await run;

        Assert.True(result.Cancelled);
        Assert.Equal(130, result.ExitCode); // SIGINT reached the other user's process
        Assert.False(result.Killed);
    }

    [Theory]
    [InlineData("10001", 10001, 10001)]
    [InlineData("10001:20002", 10001, 20002)]
    [InlineData(" 42:43 ", 42, 43)]
    public void ProcessUser_Parse_UidAndOptionalGid(string text, int uid, int gid)
    {
        Assert.Equal(new ProcessUser(uid, gid), ProcessUser.Parse(text));
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("1:2:3")]
    [InlineData("-1")]
    [InlineData("")]
    public void ProcessUser_Parse_AnythingElse_Null(string text)
    {
        Assert.Null(ProcessUser.Parse(text));
    }

    private ValueTask Collect(OutputLine line)
    {
        _lines.Add(line);
        return ValueTask.CompletedTask;
    }
}
