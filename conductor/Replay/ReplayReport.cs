namespace AgentConductor.Conductor.Replay;

/// <summary>What a replay produced, read back from the database it wrote.</summary>
internal sealed record ReplayReport(
    IReadOnlyList<ReportedDecision> Decisions,
    IReadOnlyList<ReportedIncident> Incidents,
    IReadOnlyList<ReportedRejection> Rejected,
    IReadOnlyList<ReportedJob> Jobs,
    int Duplicates)
{
    /// <summary>Authentic GitHub deliveries and what the follow-up rules made of them, in commit order.</summary>
    public IReadOnlyList<ReportedDelivery> Deliveries { get; init; } = [];
}

/// <summary>A follow-up's <see cref="TicketKey"/> and <see cref="Account"/> are its parent's.</summary>
internal sealed record ReportedDecision(DateTimeOffset At, string Kind, string MessageId, string? TicketKey, string? Account, long? IncidentId)
{
    /// <summary>A follow-up's pull request, <c>owner/name#number</c>.</summary>
    public string? PullRequest { get; init; }
}

/// <param name="FollowUp">The number of the follow-up the delivery created or joined.</param>
internal sealed record ReportedDelivery(string MessageId, string DeliveryId, string Event, string Outcome, string Reason, string? PullRequest, int? FollowUp);

internal sealed record ReportedIncident(long IncidentId, string Account, int Alarms, DateTimeOffset FirstAt, DateTimeOffset LastAt, int ContextAlarms);

/// <param name="Detail">The sentence that says why, as <c>POST /v1/events</c> answers it.</param>
internal sealed record ReportedRejection(string MessageId, string Reason, string Detail);

internal sealed record ReportedJob(string JobId, string Kind, string? TicketKey, string? Account, long? IncidentId, string State)
{
    public string? PullRequest { get; init; }

    public int? Sequence { get; init; }

    public int Comments { get; init; }
}
