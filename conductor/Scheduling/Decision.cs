namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// A decision to put an agent to work: one ticket, one incident of one AWS account, or a follow-up on a pull request a
/// job opened (<see cref="TicketKey"/> and <see cref="Account"/> are then the parent job's).
/// </summary>
internal sealed record Decision(
    DecisionKind Kind,
    DateTimeOffset At,
    string MessageId,
    string JobId,
    string? TicketKey,
    string? Account,
    long? IncidentId)
{
    /// <summary>A follow-up's parent: the job that opened the pull request.</summary>
    public string? ParentJobId { get; init; }

    public string? PullRequestUrl { get; init; }
}

internal enum DecisionKind
{
    Ticket,
    Incident,
    FollowUp,
}
