namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>The SQS intake's counters since startup and its current state, as <c>/v1/status</c> shows them.</summary>
internal sealed record SqsIntakeSnapshot(
    string State,
    long Received,
    long Stored,
    long Duplicates,
    long Rejected,
    long Deleted,
    long DeleteFailures,
    long LeftForRetry,
    DateTimeOffset? LastMessageAt,
    string? Problem,
    DateTimeOffset? ProblemSince);
