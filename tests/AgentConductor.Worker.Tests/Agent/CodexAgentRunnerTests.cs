using System.Security.Cryptography;
using System.Text;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>The Codex runner against <c>fake-codex.js</c>: how runs end and what they report.</summary>
public sealed class CodexAgentRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_Success_EditsFilesReadsSummaryAndSumsUsageOfBothTurns()
    {
        using var codex = new FakeCodexHarness("success");
        codex.AgentOptions.Environment["FAKE_CODEX_EDITS"] = "README.md=fixed;src/app.txt";
        codex.AgentOptions.Environment["FAKE_CODEX_MESSAGE"] = "Fixed the test by pinning the clock.";

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.Null(result.FailureReason);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Fixed the test by pinning the clock.", result.Summary);
        Assert.Equal("fixed\n", await File.ReadAllTextAsync(Path.Combine(codex.Repository, "README.md"), Token));
        Assert.True(File.Exists(Path.Combine(codex.Repository, "src", "app.txt")));
        Assert.Equal(["README.md", "src/app.txt"], result.FilesChanged);
        Assert.Equal(["bash -lc 'ls -a'", "bash -lc 'ls -a'"], result.CommandsRun);
        Assert.Equal(new TokenUsage { InputTokens = 3000, CachedInputTokens = 300, OutputTokens = 150, ReasoningOutputTokens = 30 }, result.Usage);
    }

    [Fact]
    public async Task RunAsync_Success_ProgressUpdatesEmittedInOrder()
    {
        using var codex = new FakeCodexHarness("success");
        codex.AgentOptions.Environment["FAKE_CODEX_EDITS"] = "a.txt";

        await codex.RunAsync(Token);

        var events = codex.Updates.Where(u => u.Progress is not null).Select(u => u.Progress.EventCase switch
        {
            ProgressEvent.EventOneofCase.TurnStarted => $"turn {u.Progress.TurnStarted.Turn} started",
            ProgressEvent.EventOneofCase.TurnCompleted => $"turn {u.Progress.TurnCompleted.Turn} completed {u.Progress.TurnCompleted.Usage.InputTokens}",
            ProgressEvent.EventOneofCase.CommandRun => $"command exit {u.Progress.CommandRun.ExitCode}",
            ProgressEvent.EventOneofCase.FilesChanged => $"files {string.Join(",", u.Progress.FilesChanged.Paths)}",
            _ => "other",
        });
        Assert.Equal(
            ["turn 1 started", "command exit 0", "files a.txt", "turn 1 completed 1000", "turn 2 started", "command exit 0", "turn 2 completed 2000"],
            events);
        Assert.All(codex.Updates, u => Assert.Equal("job-42", u.JobId));
        Assert.Contains(codex.Updates, u => u.Log is { Stream: LogStream.Stderr, Text: "Reading prompt from stdin..." });
        Assert.Contains(codex.Updates, u => u.Log is { Stream: LogStream.Stdout, Text: "agent: Turn 1 done." });
    }

    [Fact]
    public async Task RunAsync_Success_ArgvPromptAndEnvironmentAsCodexExpects()
    {
        using var codex = new FakeCodexHarness("success");
        var request = codex.Request();

        await codex.RunAsync(Token);

        var record = codex.Record();
        var argv = record.GetProperty("argv").EnumerateArray().Select(a => a.GetString()).ToList();
        var output = record.GetProperty("output").GetString();
        Assert.Equal(
            ["exec", "--json", "--sandbox", "danger-full-access", "--skip-git-repo-check", "-C", codex.Repository, "-o", output,
             "-m", "gpt-5-codex", "-c", "features.web_search=false", "-c", "model_reasoning_effort=\"high\"", "-"],
            argv);
        Assert.StartsWith(codex.State, output, StringComparison.Ordinal);
        Assert.Equal(request.Prompt, record.GetProperty("prompt").GetString());
        Assert.Equal(Sha256(FakeCodexHarness.ApiKey), record.GetProperty("apiKeySha256").GetString());
    }

    [Fact]
    public async Task RunAsync_Fail_FailedWithTheErrorEvent()
    {
        using var codex = new FakeCodexHarness("fail");

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("the agent exited with code 1: stream error: unexpected status 401 Unauthorized", result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_ReconnectsThenCompletesTheTurn_Succeeded()
    {
        using var codex = new FakeCodexHarness("reconnect");

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.Null(result.FailureReason);
        Assert.Contains(codex.Texts, t => t.StartsWith("codex error: Reconnecting... 1/5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_TurnFailedWithExitCodeZero_Failed()
    {
        using var codex = new FakeCodexHarness("turn-failed");

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("reported a failure: model refused: context window exceeded", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoLastMessageFile_Failed()
    {
        using var codex = new FakeCodexHarness("no-output-file");

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Summary);
        Assert.Equal("the agent exited with code 0 but wrote no last message (-o file)", result.FailureReason);
    }

    [Fact]
    public async Task RunAsync_AgentPrintsTheApiKey_KeyReachesTheChildButNeverAnyLine()
    {
        using var codex = new FakeCodexHarness("success");
        codex.AgentOptions.Environment["FAKE_CODEX_ECHO_KEY"] = "1";

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.Equal(Sha256(FakeCodexHarness.ApiKey), codex.Record().GetProperty("apiKeySha256").GetString());
        Assert.Contains("using api key ***", codex.LogTexts);
        Assert.Contains(codex.LogTexts, t => t.EndsWith("(key ***)", StringComparison.Ordinal));
        Assert.DoesNotContain(codex.Texts, t => t.Contains(FakeCodexHarness.ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(FakeCodexHarness.ApiKey, result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TwoRuns_EachGetsAFreshCodexHome()
    {
        using var codex = new FakeCodexHarness("success");

        await codex.RunAsync(Token);
        var first = codex.Record();
        await codex.RunAsync(Token);
        var second = codex.Record();

        var firstHome = first.GetProperty("codexHome").GetString()!;
        var secondHome = second.GetProperty("codexHome").GetString()!;
        Assert.NotEqual(firstHome, secondHome);
        Assert.StartsWith(codex.State, secondHome, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(firstHome, "fake-session.jsonl")));
        Assert.Equal(0, first.GetProperty("codexHomeEntries").GetArrayLength());
        Assert.Equal(0, second.GetProperty("codexHomeEntries").GetArrayLength());
    }

    [Fact]
    public async Task RunAsync_ProgramMissing_FailedWithoutThrowing()
    {
        using var codex = new FakeCodexHarness("success");
        codex.AgentOptions.Command = ["/nonexistent/codex"];

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Failed, result.Outcome);
        Assert.Equal(-1, result.ExitCode);
        Assert.StartsWith("could not start the agent (/nonexistent/codex)", result.FailureReason, StringComparison.Ordinal);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
