namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>One entry of a batch call that failed.</summary>
/// <param name="SenderFault">True when the entry itself is wrong (an expired receipt handle), false when AWS failed.</param>
internal sealed record SqsBatchFailure(string MessageId, string Code, string Message, bool SenderFault);
