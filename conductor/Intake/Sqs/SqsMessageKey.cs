using AgentConductor.Conductor.Aws.Sqs;

namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>
/// The idempotency key of a queued message: the sender's <c>IdempotencyKey</c> message attribute when it set one (the
/// Jira feed does, so a webhook Jira delivers twice is stored once), else the SQS MessageId (so a redelivery is a no-op).
/// </summary>
internal static class SqsMessageKey
{
    public const string AttributeName = "IdempotencyKey";

    /// <summary>The events table's limit for message ids (the local inbox allows the same).</summary>
    public const int MaxLength = 256;

    public static string For(SqsMessage message) =>
        message.Attributes.TryGetValue(AttributeName, out var key) && key.Length is > 0 and <= MaxLength
            ? key
            : message.MessageId;
}
