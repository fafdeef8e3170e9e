namespace AgentConductor.Conductor.Scheduling;

/// <summary>The result of one committed batch: every message's outcome, new decisions, and jobs the batch cancelled.</summary>
internal sealed record ScheduleResult(
    IReadOnlyList<MessageOutcome> Messages,
    IReadOnlyList<Decision> Decisions,
    IReadOnlyList<string> CancelledJobIds);
