using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>Watchdog, timeout and cancellation of the real Codex CLI, with short real timeouts.</summary>
public sealed class CodexAgentRunnerStopTests
{
    // Short, but long enough for Codex to start and reach the model on a loaded machine.
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_ModelHangsMidStream_IdleWatchdogInterruptsCodex()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.HangMidStream()));
        codex.AgentOptions.IdleTimeout = Idle;

        var result = await codex.RunAsync(Token);

        Assert.Equal(AgentOutcome.Idle, result.Outcome);
        Assert.False(result.Killed);
        Assert.StartsWith("the agent printed nothing for 00:00:05 and was interrupted", result.FailureReason, StringComparison.Ordinal);
        Assert.True(codex.Model.HangStarted.IsCompleted, "the model never got to hang");
        // Codex went away: it closed the stream it was waiting on.
        Assert.True(await codex.Model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task RunAsync_CallerCancelsWhileTheModelHangs_CancelledAndCodexGone()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Of(ModelStep.HangMidStream()));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        _ = codex.Model.HangStarted.ContinueWith(_ => cancel.CancelAsync(), TaskScheduler.Default);

        var result = await codex.RunAsync(codex.Request(), _ => ValueTask.CompletedTask, cancel.Token);

        Assert.Equal(AgentOutcome.Cancelled, result.Outcome);
        Assert.Equal("the run was cancelled and the agent was interrupted", result.FailureReason);
        Assert.False(result.Killed); // SIGINT ends Codex at once; no kill was needed
        Assert.True(await codex.Model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task RunAsync_SlowButSteadyCommands_IdleTimerStartsOverAndTheRunSucceeds()
    {
        await using var codex = await CodexCliHarness.StartAsync(
            ModelScript.Of([.. ModelStep.Times(4, ModelStep.Shell("sleep 2")), ModelStep.Message("Done slowly.")]));
        codex.AgentOptions.IdleTimeout = Idle;

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.True(result.Outcome == AgentOutcome.Succeeded, result.FailureReason);
        Assert.True(result.Duration > Idle, $"took {result.Duration}"); // four two-second commands: longer than the idle timeout
        Assert.Equal(4, result.CommandsRun.Count);
    }

    [Fact]
    public async Task RunAsync_OverallTimeoutWhileCommandsKeepRunning_TimedOut()
    {
        await using var codex = await CodexCliHarness.StartAsync(ModelScript.Repeating(ModelStep.Shell("sleep 0.5")));
        // Long enough for Codex to start and run a command on a loaded machine (it took over 4 s once under load 25).
        codex.AgentOptions.IdleTimeout = TimeSpan.FromSeconds(20);
        codex.AgentOptions.Timeout = TimeSpan.FromSeconds(10);

        var result = await codex.RunAsync(Token);

        codex.Model.AssertNoFailures();
        Assert.Equal(AgentOutcome.TimedOut, result.Outcome);
        Assert.StartsWith("the agent did not finish within 00:00:10", result.FailureReason, StringComparison.Ordinal);
        Assert.NotEmpty(result.CommandsRun);
    }
}
