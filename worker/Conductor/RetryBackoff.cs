namespace AgentConductor.Worker.Conductor;

/// <summary>Exponential backoff with full jitter: a uniformly random delay in [0, min(max, base * 2^(retry-1))].</summary>
internal static class RetryBackoff
{
    /// <summary>The delay before retry number <paramref name="retry"/> (1 for the first retry).</summary>
    /// <param name="jitter">A value in [0, 1]; values outside are clamped.</param>
    public static TimeSpan FullJitter(TimeSpan baseDelay, TimeSpan maxDelay, int retry, double jitter)
        => TimeSpan.FromTicks((long)(Ceiling(baseDelay, maxDelay, retry).Ticks * Math.Clamp(jitter, 0.0, 1.0)));

    /// <summary>The largest delay before retry number <paramref name="retry"/>: base doubled per retry, capped.</summary>
    public static TimeSpan Ceiling(TimeSpan baseDelay, TimeSpan maxDelay, int retry)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retry, 1);
        var exponential = baseDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 62));
        return TimeSpan.FromTicks((long)Math.Min(exponential, maxDelay.Ticks));
    }
}
