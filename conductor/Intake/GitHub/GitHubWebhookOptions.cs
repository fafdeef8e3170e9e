namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>How GitHub deliveries are authenticated (<c>POST /v1/github/webhook</c>, the feed, replays).</summary>
internal sealed class GitHubWebhookOptions
{
    public const string Section = "GitHub";

    /// <summary>
    /// The secret set on the GitHub webhook: every delivery must carry <c>X-Hub-Signature-256</c>, the HMAC-SHA256 of its
    /// body with this secret. Without it no delivery is accepted: each is stored as rejected with the reason <c>no_secret</c>.
    /// </summary>
    public string? WebhookSecret { get; set; }
}
