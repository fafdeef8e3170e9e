namespace AgentConductor.Conductor.Scheduling;

/// <summary>A decision to put an agent to work: one ticket, or one incident of one AWS account.</summary>
internal sealed record Decision(
    DecisionKind Kind,
    DateTimeOffset At,
    string MessageId,
    string JobId,
    string? TicketKey,
    string? Account,
    long? IncidentId);

internal enum DecisionKind
{
    Ticket,
    Incident,
}
