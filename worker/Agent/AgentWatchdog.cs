namespace AgentConductor.Worker.Agent;

/// <summary>
/// One token that stops an agent run for the first of three reasons: no output for the idle timeout, the overall
/// timeout, or the caller's cancellation. Timers come from <see cref="TimeProvider"/>, so tests drive them.
/// </summary>
internal sealed class AgentWatchdog : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _idleTimeout;
    private readonly ITimer _idleTimer;
    private readonly ITimer _overallTimer;
    private readonly CancellationTokenRegistration _callerRegistration;
    private int _reason;

    public AgentWatchdog(TimeProvider timeProvider, TimeSpan idleTimeout, TimeSpan overallTimeout, CancellationToken cancellationToken)
    {
        _idleTimeout = idleTimeout;
        _idleTimer = timeProvider.CreateTimer(_ => Stop(AgentStopReason.Idle), null, idleTimeout, Timeout.InfiniteTimeSpan);
        _overallTimer = timeProvider.CreateTimer(_ => Stop(AgentStopReason.TimedOut), null, overallTimeout, Timeout.InfiniteTimeSpan);
        _callerRegistration = cancellationToken.Register(() => Stop(AgentStopReason.Cancelled));
    }

    /// <summary>Cancelled when the agent must stop.</summary>
    public CancellationToken Token => _stop.Token;

    public AgentStopReason Reason => (AgentStopReason)Volatile.Read(ref _reason);

    /// <summary>The agent printed something: the idle timer starts over.</summary>
    public void Touch()
    {
        if (Reason == AgentStopReason.None)
        {
            _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        _callerRegistration.Dispose();
        _idleTimer.Dispose();
        _overallTimer.Dispose();
        _stop.Dispose();
    }

    private void Stop(AgentStopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)AgentStopReason.None) != (int)AgentStopReason.None)
        {
            return;
        }

        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A timer that fired while the run was being torn down.
        }
    }
}
