namespace AgentConductor.Conductor.Scheduling;

/// <summary>What the scheduler needs for GitHub deliveries: the follow-up rules' settings and the webhook secret.</summary>
internal sealed record FollowUpSettings(FollowUpOptions Options, string? WebhookSecret)
{
    /// <summary>The built-in defaults without a secret: every GitHub delivery is rejected (<c>no_secret</c>).</summary>
    public static FollowUpSettings Default => new(new FollowUpOptions(), null);
}
