namespace AgentConductor.Conductor.Replay;

/// <summary>What a replay produced, read back from the database it wrote.</summary>
internal sealed record ReplayReport(
    IReadOnlyList<ReportedDecision> Decisions,
    IReadOnlyList<ReportedIncident> Incidents,
    IReadOnlyList<ReportedRejection> Rejected,
    IReadOnlyList<ReportedJob> Jobs,
    int Duplicates);

internal sealed record ReportedDecision(DateTimeOffset At, string Kind, string MessageId, string? TicketKey, string? Account, long? IncidentId);

internal sealed record ReportedIncident(long IncidentId, string Account, int Alarms, DateTimeOffset FirstAt, DateTimeOffset LastAt, int ContextAlarms);

/// <param name="Detail">The sentence that says why, as <c>POST /v1/events</c> answers it.</param>
internal sealed record ReportedRejection(string MessageId, string Reason, string Detail);

internal sealed record ReportedJob(string JobId, string Kind, string? TicketKey, string? Account, long? IncidentId, string State);
