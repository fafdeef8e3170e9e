using AgentConductor.TestSupport;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>The watchdog on a fake clock: which of idle timeout, overall timeout and cancellation stops the run.</summary>
public sealed class CodexAgentRunnerWatchdogTests : IDisposable
{
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Overall = TimeSpan.FromMinutes(30);
    private readonly TimerTrackingTimeProvider _time = new(ConductorHost.T0);
    private readonly ScriptedProcessRunner _process = new();
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task RunAsync_NoOutputForTheIdleTimeout_Idle()
    {
        var run = await StartRunAsync(CancellationToken.None);
        await _process.EmitAsync("{\"type\":\"thread.started\",\"thread_id\":\"t\"}");

        _time.Advance(Idle - TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.Idle, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_OutputKeepsComing_IdleTimerStartsOverWithEachLine()
    {
        var run = await StartRunAsync(CancellationToken.None);

        for (var i = 0; i < 2; i++)
        {
            _time.Advance(Idle - TimeSpan.FromMinutes(1));
            await _process.EmitAsync($"plain line {i}");
        }

        _time.Advance(Idle - TimeSpan.FromMinutes(1));
        Assert.False(run.IsCompleted); // 27 minutes in, never 10 quiet ones
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.Idle, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_ChattyAgentPastTheOverallTimeout_TimedOut()
    {
        var run = await StartRunAsync(CancellationToken.None);

        for (var minute = 5; minute < 30; minute += 5)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            await _process.EmitAsync($"minute {minute}");
        }

        _time.Advance(TimeSpan.FromMinutes(4));
        Assert.False(run.IsCompleted); // 29 minutes in
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.TimedOut, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_JobSetsAShorterIdleTimeout_ItWinsOverTheWorkersOwn()
    {
        var run = await StartRunAsync(CancellationToken.None, idleTimeout: TimeSpan.FromMinutes(2));
        await _process.EmitAsync("{\"type\":\"thread.started\",\"thread_id\":\"t\"}");

        _time.Advance(TimeSpan.FromMinutes(2) - TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.Idle, result.Outcome);
        Assert.Contains("00:02:00", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_JobSetsAShorterTimeout_ItWinsOverTheWorkersOwn()
    {
        var run = await StartRunAsync(CancellationToken.None, timeout: TimeSpan.FromMinutes(7));

        for (var minute = 1; minute < 7; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await _process.EmitAsync($"minute {minute}");
        }

        Assert.False(run.IsCompleted); // 6 minutes in
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.TimedOut, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_CallerCancels_CancelledNotThrown()
    {
        using var cancel = new CancellationTokenSource();
        var run = await StartRunAsync(cancel.Token);
        await _process.EmitAsync("working");

        await cancel.CancelAsync();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.Cancelled, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_ExitsBeforeAnyTimer_JudgedOnItsOutput()
    {
        var run = await StartRunAsync(CancellationToken.None);
        await _process.EmitAsync("{\"type\":\"turn.started\"}");

        _process.Exit();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(AgentOutcome.Failed, result.Outcome); // no -o file was written
        Assert.Equal(0, _time.PendingTimers);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Starts a run and waits until the agent "process" runs (the run's model proxy starts first), so the watchdog's timers exist.</summary>
    private async Task<Task<AgentRunResult>> StartRunAsync(CancellationToken cancellationToken, TimeSpan? idleTimeout = null, TimeSpan? timeout = null)
    {
        var options = new AgentOptions { IdleTimeout = Idle, Timeout = Overall, Command = ["/bin/true"] };
        var masker = new SecretMasker();
        var runner = AgentRunners.Create(_process, masker, options, _time);
        var request = new AgentRunRequest
        {
            JobId = "job-7",
            RepositoryPath = _temp.Path,
            Prompt = "p",
            ModelKey = "sk-watchdog-key",
            StateDirectory = _temp.Path,
            IdleTimeout = idleTimeout,
            Timeout = timeout,
        };
        var run = runner.RunAsync(request, _ => ValueTask.CompletedTask, cancellationToken);
        await Task.WhenAny(_process.Started, run).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        return run;
    }
}
