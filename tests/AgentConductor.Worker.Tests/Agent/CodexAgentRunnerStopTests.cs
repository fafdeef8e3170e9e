using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Tests.Processes;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>Watchdog, timeout and cancellation against a real (fake) Codex process, with short real timeouts.</summary>
public sealed class CodexAgentRunnerStopTests
{
    // Short, but long enough for node to start and print its first line on a loaded machine.
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(2);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_HangAfterFirstEvent_IdleWatchdogStopsTheProcess()
    {
        using var codex = new FakeCodexHarness("hang");
        codex.AgentOptions.IdleTimeout = Idle;

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Idle, result.Outcome);
        Assert.False(result.Killed);
        Assert.Equal(130, result.ExitCode);
        Assert.StartsWith("the agent printed nothing for 00:00:02 and was interrupted", result.FailureReason, StringComparison.Ordinal);
        Assert.True(await ProcessTestHelpers.IsGoneWithinAsync(codex.Record().GetProperty("pid").GetInt32(), OneSecond));
        Assert.True(result.Duration < Idle + TimeSpan.FromSeconds(3), $"took {result.Duration}");
    }

    [Fact]
    public async Task RunAsync_HangIgnoringSigint_KilledAfterGrace()
    {
        using var codex = new FakeCodexHarness("hang-ignoring-sigint");
        codex.AgentOptions.IdleTimeout = Idle;
        // Long enough for node to run its handler and print before the kill, even on a loaded machine.
        var grace = TimeSpan.FromSeconds(3);
        codex.AgentOptions.InterruptGrace = grace;

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Idle, result.Outcome);
        Assert.True(result.Killed);
        Assert.Equal(137, result.ExitCode);
        Assert.Contains("fake-codex: SIGINT received and ignored", codex.LogTexts);
        Assert.True(result.Duration >= Idle + grace - TimeSpan.FromMilliseconds(100), $"took {result.Duration}");
        Assert.True(await ProcessTestHelpers.IsGoneWithinAsync(codex.Record().GetProperty("pid").GetInt32(), OneSecond));
    }

    [Fact]
    public async Task RunAsync_SlowButSteadyOutput_IdleWatchdogRestartsAndRunSucceeds()
    {
        using var codex = new FakeCodexHarness("slow");
        codex.AgentOptions.Environment["FAKE_CODEX_SLOW_MS"] = "250";
        codex.AgentOptions.Environment["FAKE_CODEX_SLOW_EVENTS"] = "5";
        codex.AgentOptions.IdleTimeout = Idle;

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Succeeded, result.Outcome);
        Assert.True(result.Duration > Idle, $"took {result.Duration}"); // 2 turns of 5 x 250 ms: longer than the idle timeout
        Assert.Equal(10, codex.LogTexts.Count(t => t.StartsWith("reasoning: thinking", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RunAsync_OverallTimeoutWhileStillTalking_TimedOut()
    {
        using var codex = new FakeCodexHarness("slow");
        codex.AgentOptions.Environment["FAKE_CODEX_SLOW_MS"] = "100";
        codex.AgentOptions.Environment["FAKE_CODEX_SLOW_EVENTS"] = "1000";
        codex.AgentOptions.IdleTimeout = TimeSpan.FromSeconds(5);
        codex.AgentOptions.Timeout = TimeSpan.FromSeconds(2.5);

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.TimedOut, result.Outcome);
        Assert.StartsWith("the agent did not finish within 00:00:02.5000000", result.FailureReason, StringComparison.Ordinal);
        Assert.True(await ProcessTestHelpers.IsGoneWithinAsync(codex.Record().GetProperty("pid").GetInt32(), OneSecond));
    }

    [Fact]
    public async Task RunAsync_CallerCancels_Cancelled()
    {
        using var codex = new FakeCodexHarness("hang");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var result = await codex.RunAsync(codex.Request(), async update =>
        {
            if (update.Log?.Text.StartsWith("codex thread", StringComparison.Ordinal) == true)
            {
                await cancel.CancelAsync();
            }
        }, cancel.Token);

        Assert.Equal(AgentOutcome.Cancelled, result.Outcome);
        Assert.Equal("the run was cancelled and the agent was interrupted", result.FailureReason);
        Assert.True(await ProcessTestHelpers.IsGoneWithinAsync(codex.Record().GetProperty("pid").GetInt32(), OneSecond));
    }
}
