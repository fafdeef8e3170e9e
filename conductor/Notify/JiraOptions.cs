namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Status back on the Jira ticket (Jira Cloud REST v3). An empty <see cref="SiteUrl"/> turns it off. Incident jobs have
/// no ticket: their updates go to the webhooks only.
/// </summary>
internal sealed class JiraOptions
{
    public const string Section = "Jira";

    /// <summary>The site, e.g. <c>https://acme.atlassian.net</c>.</summary>
    public string? SiteUrl { get; set; }

    /// <summary>The account the comments are written as (its email address on Jira Cloud).</summary>
    public string? User { get; set; }

    /// <summary>The account's API token: a secret, never logged and masked from every error that is stored.</summary>
    public string? ApiToken { get; set; }

    /// <summary>The events that comment on the ticket; empty keeps the defaults (<see cref="NotifyEventTypes.JiraDefaults"/>).</summary>
    public List<string> CommentOn { get; set; } = [];

    /// <summary>A transition (by name, case-insensitive, e.g. "In Review") to apply when the pull request opens; empty: none.</summary>
    public string? TransitionOnPullRequest { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(SiteUrl);

    public IReadOnlyList<string> CommentEvents => CommentOn.Count == 0 ? NotifyEventTypes.JiraDefaults : CommentOn;
}
