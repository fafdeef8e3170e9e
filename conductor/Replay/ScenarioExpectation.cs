namespace AgentConductor.Conductor.Replay;

/// <summary>
/// What a replay must produce. Every list present is compared; fields left out of an entry match anything.
/// <see cref="Decisions"/> is compared in order; <see cref="Incidents"/> and <see cref="Jobs"/> as sets;
/// <see cref="Rejected"/> by message id (and reason when given); <see cref="Deliveries"/> (authentic GitHub deliveries and
/// what the follow-up rules made of them) as a set; <see cref="Counts"/> for large scenarios.
/// </summary>
internal sealed record ScenarioExpectation(
    IReadOnlyList<ExpectedDecision>? Decisions,
    IReadOnlyList<ExpectedIncident>? Incidents,
    IReadOnlyList<ExpectedRejection>? Rejected,
    IReadOnlyList<ExpectedJob>? Jobs,
    ExpectedCounts? Counts)
{
    public IReadOnlyList<ExpectedDelivery>? Deliveries { get; init; }
}

internal sealed record ExpectedDecision(string? Kind, string? MessageId, string? TicketKey, string? Account, DateTimeOffset? At)
{
    /// <summary>A follow-up's pull request as <c>owner/name#number</c>.</summary>
    public string? PullRequest { get; init; }
}

/// <param name="FollowUp">The number of the follow-up the delivery created or joined (1, 2, ...).</param>
internal sealed record ExpectedDelivery(string? DeliveryId, string? MessageId, string? Event, string? Outcome, string? Reason, int? FollowUp);

internal sealed record ExpectedIncident(string? Account, int? Alarms, DateTimeOffset? FirstAt, DateTimeOffset? LastAt, int? ContextAlarms);

internal sealed record ExpectedRejection(string MessageId, string? Reason);

internal sealed record ExpectedJob(string? Kind, string? TicketKey, string? Account, string? State)
{
    public string? PullRequest { get; init; }

    /// <summary>A follow-up's number among its pull request's follow-ups.</summary>
    public int? Sequence { get; init; }

    /// <summary>How many reviews, comments and checks a follow-up answers.</summary>
    public int? Comments { get; init; }
}

internal sealed record ExpectedCounts(int? Decisions, int? Incidents, int? Rejected, int? Duplicates);
