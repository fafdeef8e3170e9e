using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.TestSupport;

/// <summary>
/// The library's <see cref="FakeTimeProvider"/> that also counts the timers armed through it, so a test can wait until
/// code running elsewhere has reached its <c>Task.Delay</c> before it calls <see cref="FakeTimeProvider.Advance"/>
/// (otherwise the advance could race ahead of the delay it is meant to release).
/// </summary>
public sealed class TimerTrackingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Lock _gate = new();
    private int _armed;

    /// <summary>Timers armed and not yet fired, disarmed or disposed.</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _armed;
            }
        }
    }

    /// <summary>Waits (in real time, bounded) until at least <paramref name="count"/> timers are pending.</summary>
    public async Task WaitForTimersAsync(int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (PendingTimers < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} pending timers, found {PendingTimers}.");
            }

            await Task.Delay(1);
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new TrackedTimer(this, callback);
        timer.Arm(dueTime, period);
        timer.Inner = base.CreateTimer(timer.Fire, state, dueTime, period);
        return timer;
    }

    private void Count(int delta)
    {
        lock (_gate)
        {
            _armed += delta;
        }
    }

    private sealed class TrackedTimer(TimerTrackingTimeProvider owner, TimerCallback callback) : ITimer
    {
        private readonly Lock _gate = new();
        private bool _armed;
        private bool _periodic;
        private bool _disposed;

        public ITimer? Inner { get; set; }

        // Called before the inner timer exists: a zero due time fires inside base.CreateTimer.
        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                Set(!_disposed && dueTime != Timeout.InfiniteTimeSpan);
                _periodic = period != Timeout.InfiniteTimeSpan && period != TimeSpan.Zero;
            }
        }

        public void Fire(object? state)
        {
            lock (_gate)
            {
                if (!_periodic)
                {
                    Set(false);
                }
            }

            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                Set(false);
            }

            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Set(bool armed)
        {
            if (armed != _armed)
            {
                _armed = armed;
                owner.Count(armed ? 1 : -1);
            }
        }
    }
}
