namespace AgentConductor.Conductor.Replay;

/// <summary>
/// What a replay must produce. Every list present is compared; fields left out of an entry match anything.
/// <see cref="Decisions"/> is compared in order; <see cref="Incidents"/> and <see cref="Jobs"/> as sets;
/// <see cref="Rejected"/> by message id (and reason when given); <see cref="Counts"/> for large scenarios.
/// </summary>
internal sealed record ScenarioExpectation(
    IReadOnlyList<ExpectedDecision>? Decisions,
    IReadOnlyList<ExpectedIncident>? Incidents,
    IReadOnlyList<ExpectedRejection>? Rejected,
    IReadOnlyList<ExpectedJob>? Jobs,
    ExpectedCounts? Counts);

internal sealed record ExpectedDecision(string? Kind, string? MessageId, string? TicketKey, string? Account, DateTimeOffset? At);

internal sealed record ExpectedIncident(string? Account, int? Alarms, DateTimeOffset? FirstAt, DateTimeOffset? LastAt, int? ContextAlarms);

internal sealed record ExpectedRejection(string MessageId, string? Reason);

internal sealed record ExpectedJob(string? Kind, string? TicketKey, string? Account, string? State);

internal sealed record ExpectedCounts(int? Decisions, int? Incidents, int? Rejected, int? Duplicates);
