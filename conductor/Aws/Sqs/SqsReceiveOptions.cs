namespace AgentConductor.Conductor.Aws.Sqs;

/// <param name="MaxMessages">1 to 10.</param>
/// <param name="WaitTime">The long poll: 0 to 20 s.</param>
/// <param name="VisibilityTimeout">How long received messages stay hidden; null for the queue's own setting.</param>
/// <param name="MessageAttributeNames">Message attributes to return with each message.</param>
internal sealed record SqsReceiveOptions(int MaxMessages, TimeSpan WaitTime, TimeSpan? VisibilityTimeout, IReadOnlyList<string> MessageAttributeNames);
