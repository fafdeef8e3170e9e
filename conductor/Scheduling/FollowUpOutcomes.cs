namespace AgentConductor.Conductor.Scheduling;

/// <summary><c>github_deliveries.outcome</c>.</summary>
internal static class FollowUpOutcomes
{
    public const string Trigger = "trigger";
    public const string Held = "held";
    public const string Ignored = "ignored";
}
