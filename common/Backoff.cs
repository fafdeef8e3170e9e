namespace AgentConductor.Common;

/// <summary>
/// The one retry backoff of the conductor and the worker (this file is compiled into both): exponential with full jitter,
/// capped. Before retry <c>n</c> (1 for the first retry) the wait is <c>jitter × min(cap, base × 2^(n−1))</c> with
/// <c>jitter</c> uniform in [0, 1), so clients that failed together spread out instead of coming back together
/// ("Exponential Backoff And Jitter", AWS Architecture Blog). A wait the other side names (<c>Retry-After</c>,
/// <c>x-ratelimit-reset</c>) takes its place. In-process retries run on Polly with this as their delay generator; retries
/// scheduled in the database (launches, notifications, archive uploads) store <c>now + Delay</c>. Only the jitter source
/// is injected: <see cref="Random"/> in production, a fixed value in tests.
/// </summary>
internal sealed class Backoff(Func<double> jitter)
{
    /// <summary>Jitter from <see cref="System.Random.Shared"/>.</summary>
    public static Backoff Random { get; } = new(System.Random.Shared.NextDouble);

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first retry).</summary>
    public TimeSpan Delay(int retry, TimeSpan baseDelay, TimeSpan cap) =>
        TimeSpan.FromTicks((long)(Ceiling(retry, baseDelay, cap).Ticks * Math.Clamp(jitter(), 0.0, 1.0)));

    /// <summary>The longest wait before retry <paramref name="retry"/>: <paramref name="baseDelay"/> doubled per retry, at most <paramref name="cap"/>.</summary>
    public static TimeSpan Ceiling(int retry, TimeSpan baseDelay, TimeSpan cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponential = baseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 62));
        return exponential >= cap.Ticks ? cap : TimeSpan.FromTicks((long)exponential);
    }
}
