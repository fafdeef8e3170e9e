namespace AgentConductor.Conductor.Archive;

/// <summary>
/// Where finished jobs are archived. An empty <see cref="Bucket"/> turns the archive off. Credentials come from the
/// SDK's default chain, never from settings.
/// </summary>
internal sealed class ArchiveOptions
{
    public const string Section = "Archive";

    public string? Bucket { get; set; }

    /// <summary>Keys are <c>&lt;Prefix&gt;/&lt;job-id&gt;/&lt;name&gt;</c>; leading and trailing slashes are ignored, empty means none.</summary>
    public string Prefix { get; set; } = "agent-conductor";

    /// <summary>The bucket's region; empty means <c>Aws:Region</c>, then <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>.</summary>
    public string? Region { get; set; }

    /// <summary>An S3-compatible endpoint (s3rver, MinIO, a VPC endpoint) addressed path-style; empty means AWS's regional endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>How often finished jobs are looked for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Backoff of a job's first retry after a failed upload; it doubles, with jitter, up to <see cref="RetryCap"/>.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryCap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Jobs archived per pass; a full pass starts the next one at once, so a backlog drains without waiting.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>Per request to S3, the SDK's own retries included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public bool Enabled => !string.IsNullOrWhiteSpace(Bucket);

    public string KeyPrefix => Prefix.Trim('/');
}
