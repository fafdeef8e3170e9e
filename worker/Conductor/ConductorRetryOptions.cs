namespace AgentConductor.Worker.Conductor;

/// <summary>
/// How the worker retries calls that fail transiently (the conductor restarting, redeploying or overloaded):
/// exponential backoff with full jitter, bounded by a total wait.
/// </summary>
internal sealed class ConductorRetryOptions
{
    /// <summary>The backoff before the first retry (before jitter); doubles with each retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest backoff between two attempts (before jitter).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a retried call keeps trying, counted from its first attempt; after that the call fails with
    /// <see cref="ConductorUnreachableException"/>. Bounds the sum of the backoff delays.
    /// </summary>
    public TimeSpan MaxTotalWait { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Deadline of one attempt of a unary call (sent as <c>grpc-timeout</c>); null: no deadline.</summary>
    public TimeSpan? AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of one whole task-file download (the stream, not one message); null: no deadline.</summary>
    public TimeSpan? DownloadTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (BaseDelay <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(BaseDelay)} must be positive");
        }

        if (MaxDelay < BaseDelay)
        {
            problems.Add($"{nameof(MaxDelay)} must be at least {nameof(BaseDelay)}");
        }

        if (MaxTotalWait < TimeSpan.Zero)
        {
            problems.Add($"{nameof(MaxTotalWait)} must not be negative");
        }

        if (AttemptTimeout <= TimeSpan.Zero || DownloadTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(AttemptTimeout)} and {nameof(DownloadTimeout)} must be positive when set");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid conductor retry options: {string.Join("; ", problems)}.");
        }
    }
}
