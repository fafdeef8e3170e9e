namespace AgentConductor.Conductor.Aws;

/// <summary>
/// Retries for throttling, 5xx and broken connections: at most <see cref="MaxAttempts"/> tries, waiting
/// <see cref="Common.Backoff"/> (full jitter under <c>min(MaxDelay, BaseDelay * 2^(retry-1))</c>) before each retry.
/// </summary>
internal sealed record AwsRetryPolicy(int MaxAttempts, TimeSpan BaseDelay, TimeSpan MaxDelay)
{
    public static AwsRetryPolicy Default { get; } = new(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(20));
}
