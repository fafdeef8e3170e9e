namespace AgentConductor.Conductor.Scheduling;

/// <summary>When a review, mention or failed check on an agent's pull request sends the agent back (docs/follow-ups.md).</summary>
internal sealed class FollowUpOptions
{
    public const string Section = "FollowUps";

    /// <summary>The handle people mention to send the agent back, e.g. <c>@agent-conductor</c> (case-insensitive).</summary>
    public string Handle { get; set; } = "@agent-conductor";

    /// <summary>
    /// A trigger within this time of the previous one on the same pull request joins its pending follow-up, which is not
    /// launched until this long after its last trigger, so a review's several deliveries make one follow-up.
    /// </summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>At most this many follow-ups per pull request; later triggers are stored and ignored (stops loops).</summary>
    public int MaxPerPullRequest { get; set; } = 5;

    /// <summary>Whether a completed check suite that failed on the agent's branch sends the agent back.</summary>
    public bool OnFailedChecks { get; set; }

    /// <summary>
    /// Logins that never trigger, whatever their association: the account the agent comments and pushes as when it is a
    /// user (a GitHub App's bot account is ignored anyway, as every <c>Bot</c> is).
    /// </summary>
    public List<string> IgnoredLogins { get; set; } = [];
}
