namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Where and how the conductor serves the worker protocol (gRPC over HTTP/2, its own listener).</summary>
internal sealed class WorkerApiOptions
{
    public const string Section = "WorkerApi";

    public const string DefaultUrls = "http://127.0.0.1:5081";

    /// <summary>The largest gRPC message the worker listener receives or sends (gRPC's usual 4 MiB).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>The worker listener, one URL: <c>http://</c> is h2c (HTTP/2 without TLS), <c>https://</c> needs <see cref="CertificatePath"/>.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>A PKCS#12 (.pfx) certificate for TLS on the worker listener.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The password of <see cref="CertificatePath"/>, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>How often workers send a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often heartbeats of running jobs, answered from memory, are written to the database (and cancel requests and
    /// ended jobs read back for the next answers).
    /// </summary>
    public TimeSpan HeartbeatFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A progress update is stored at the latest this long after it arrived, even when its stream goes quiet before a
    /// batch of 100 has gathered; the status API's log tail lags by no more than this.
    /// </summary>
    public TimeSpan ProgressFlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Stored log lines are cut to this many UTF-8 bytes.</summary>
    public int MaxLogLineBytes { get; set; } = 8 * 1024;

    /// <summary>A reported summary is cut to this many UTF-8 bytes.</summary>
    public int MaxSummaryBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// The largest agent session (UploadSession: the compressed archive of Codex's rollout files) kept for a job; a larger
    /// one is refused with RESOURCE_EXHAUSTED and the job's follow-ups start the agent afresh. Its contents may expand to
    /// <see cref="Sessions.SessionArchiveRules.MaxExpansion"/> times this.
    /// </summary>
    public long MaxSessionBytes { get; set; } = 64 * 1024 * 1024;
}
