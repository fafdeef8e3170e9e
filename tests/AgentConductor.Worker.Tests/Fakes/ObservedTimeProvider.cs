using System.Threading.Channels;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also reports each timer created through it (backoff delays, call
/// deadlines), so a test can wait for the code under test to start waiting and then advance exactly that far.
/// </summary>
internal sealed class ObservedTimeProvider() : FakeTimeProvider(ConductorHost.T0)
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>The due time of the next timer created (waits for it).</summary>
    public Task<TimeSpan> NextTimerAsync(CancellationToken cancellationToken)
        => _timers.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);

    /// <summary>
    /// Until <paramref name="operation"/> completes, advances the clock through every timer it creates; returns
    /// the timers' due times in order (for a retry loop without call deadlines: its backoff delays).
    /// </summary>
    public async Task<List<TimeSpan>> DriveAsync(Task operation, CancellationToken cancellationToken)
    {
        var dueTimes = new List<TimeSpan>();
        while (true)
        {
            var next = _timers.Reader.ReadAsync(cancellationToken).AsTask();
            var first = await Task.WhenAny(operation, next).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            if (first == operation && !next.IsCompleted)
            {
                return dueTimes;
            }

            var dueTime = await next;
            dueTimes.Add(dueTime);
            Advance(dueTime);
        }
    }
}
