namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>A received message. <see cref="Attributes"/> holds the string message attributes that were asked for.</summary>
internal sealed record SqsMessage(string MessageId, string ReceiptHandle, string Body, IReadOnlyDictionary<string, string> Attributes);
