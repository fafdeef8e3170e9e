namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>The outcome of a batch call, by the MessageId of each entry.</summary>
internal sealed record SqsBatchResult(IReadOnlyList<string> Succeeded, IReadOnlyList<SqsBatchFailure> Failed);
