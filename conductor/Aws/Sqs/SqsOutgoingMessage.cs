namespace AgentConductor.Conductor.Aws.Sqs;

/// <param name="Attributes">String message attributes.</param>
/// <param name="GroupId">FIFO queues only: messages of one group are delivered in order.</param>
/// <param name="DeduplicationId">FIFO queues only: a second send with the same id within 5 minutes is accepted but not delivered.</param>
internal sealed record SqsOutgoingMessage(
    string Body,
    IReadOnlyDictionary<string, string>? Attributes = null,
    string? GroupId = null,
    string? DeduplicationId = null);
