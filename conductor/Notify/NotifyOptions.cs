namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Outbound notifications: the webhooks that receive every event, and how deliveries (webhooks and Jira alike) are
/// retried. Jira has its own section (<see cref="JiraOptions"/>).
/// </summary>
internal sealed class NotifyOptions
{
    public const string Section = "Notify";

    public List<WebhookOptions> Webhooks { get; set; } = [];

    /// <summary>The conductor's public base URL (its dashboard), for links back to a job; empty: events carry no links.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>A delivery that failed this many attempts is dead-lettered (kept, shown in the API, not retried).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The first retry waits about this long; each further one doubles it, with jitter, up to <see cref="RetryCap"/>.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryCap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the outbox is looked at for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deliveries taken per pass; a full pass starts the next one at once.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>Per HTTP request (a webhook POST, each Jira call); a request that takes longer fails and is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
