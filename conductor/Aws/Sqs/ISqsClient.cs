namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>
/// The SQS operations the conductor and the feed use. <see cref="SqsClient"/> is the one implementation (AWSSDK.SQS).
/// Errors SQS answers are <see cref="AwsException"/>s; a missing credential is an <see cref="AwsCredentialsException"/>;
/// an unreachable endpoint or a timeout stays the transport's exception.
/// </summary>
internal interface ISqsClient
{
    /// <summary>Long-polls for up to <see cref="SqsReceiveOptions.MaxMessages"/> messages; an empty list when none arrived in the wait.</summary>
    Task<IReadOnlyList<SqsMessage>> ReceiveAsync(string queueUrl, SqsReceiveOptions options, CancellationToken cancellationToken);

    /// <summary>Deletes up to 10 received messages in one call; AWS may fail some entries and not others.</summary>
    Task<SqsBatchResult> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, CancellationToken cancellationToken);

    /// <summary>Sets how long until up to 10 received messages become visible again (zero: at once).</summary>
    Task<SqsBatchResult> ChangeVisibilityBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, TimeSpan visibility, CancellationToken cancellationToken);

    /// <summary>Sends one message; returns its SQS MessageId.</summary>
    Task<string> SendAsync(string queueUrl, SqsOutgoingMessage message, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken);
}
