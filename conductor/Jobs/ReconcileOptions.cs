namespace AgentConductor.Conductor.Jobs;

/// <summary>Deadlines the reconciler enforces on active jobs, and how lost jobs are retried.</summary>
internal sealed class ReconcileOptions
{
    public const string Section = "Reconcile";

    /// <summary>How often active jobs are checked.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A launched worker that has not made its handshake this long after launch is stopped and the job lost.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A connected or running worker not heard from for this long is stopped and the job lost.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A job still active this long after launch is asked to cancel, then stopped after <see cref="CancelGrace"/> (<c>timed_out</c>).</summary>
    public TimeSpan JobTimeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How long a worker asked to cancel may take to finish by itself before it is stopped.</summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a stop waits between the interrupt and the kill.</summary>
    public TimeSpan StopGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether a job lost before its worker ran is tried again.</summary>
    public bool RetryLost { get; set; } = true;

    /// <summary>A job gets at most this many attempts (the first one included).</summary>
    public int MaxAttempts { get; set; } = 2;
}
