namespace AgentConductor.Conductor.Aws;

/// <summary>
/// Retries for throttling, 5xx and broken connections: at most <see cref="MaxAttempts"/> tries, waiting a random time
/// between zero and <c>min(MaxDelay, BaseDelay * 2^retry)</c> before each retry ("full jitter", so many clients that
/// were throttled together do not come back together).
/// </summary>
internal sealed record AwsRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static AwsRetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20));

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first retry); <paramref name="random"/> is in [0, 1).</summary>
    public TimeSpan DelayBefore(int retry, double random)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, retry - 1));
        return TimeSpan.FromMilliseconds(ceiling * random);
    }
}
