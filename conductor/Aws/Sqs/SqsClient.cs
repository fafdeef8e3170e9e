namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>
/// SQS over the JSON protocol: the only place that knows SQS operation and field names. Each call is one signed,
/// retried request (<see cref="AwsJsonClient"/>); batch calls address entries by position (<c>m0</c>..<c>m9</c>).
/// </summary>
internal sealed class SqsClient(AwsJsonClient client) : ISqsClient
{
    public const int MaxBatch = 10;

    public async Task<IReadOnlyList<SqsMessage>> ReceiveAsync(string queueUrl, SqsReceiveOptions options, CancellationToken cancellationToken)
    {
        string[] system = [SqsMessage.ReceiveCountAttribute];
        // MessageSystemAttributeNames is the current name; AttributeNames is its older spelling, which SQS still accepts
        // and which emulators (local-aws-sqs) still read.
        var request = new SqsWire.ReceiveMessageRequest(
            queueUrl,
            options.MaxMessages,
            (int)options.WaitTime.TotalSeconds,
            options.VisibilityTimeout is { } visibility ? (int)visibility.TotalSeconds : null,
            system,
            system,
            options.MessageAttributeNames);
        var response = await client.SendAsync<SqsWire.ReceiveMessageRequest, SqsWire.ReceiveMessageResponse>("ReceiveMessage", request, SqsWire.Json, cancellationToken);
        return (response.Messages ?? []).Select(ToMessage).ToList();
    }

    public Task<SqsBatchResult> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, CancellationToken cancellationToken) =>
        BatchAsync("DeleteMessageBatch", queueUrl, messages, null, cancellationToken);

    public Task<SqsBatchResult> ChangeVisibilityBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, TimeSpan visibility, CancellationToken cancellationToken) =>
        BatchAsync("ChangeMessageVisibilityBatch", queueUrl, messages, (int)visibility.TotalSeconds, cancellationToken);

    public async Task<string> SendAsync(string queueUrl, SqsOutgoingMessage message, CancellationToken cancellationToken)
    {
        var attributes = message.Attributes?.ToDictionary(a => a.Key, a => new SqsWire.MessageAttributeValue("String", a.Value));
        var request = new SqsWire.SendMessageRequest(queueUrl, message.Body, attributes, message.GroupId, message.DeduplicationId);
        var response = await client.SendAsync<SqsWire.SendMessageRequest, SqsWire.SendMessageResponse>("SendMessage", request, SqsWire.Json, cancellationToken);
        return response.MessageId ?? throw new InvalidOperationException("SendMessage answered without a MessageId.");
    }

    public async Task<string> GetQueueUrlAsync(string queueName, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync<SqsWire.GetQueueUrlRequest, SqsWire.GetQueueUrlResponse>(
            "GetQueueUrl", new SqsWire.GetQueueUrlRequest(queueName, null), SqsWire.Json, cancellationToken);
        return response.QueueUrl ?? throw new InvalidOperationException("GetQueueUrl answered without a QueueUrl.");
    }

    public async Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var response = await client.SendAsync<SqsWire.GetQueueAttributesRequest, SqsWire.GetQueueAttributesResponse>(
            "GetQueueAttributes", new SqsWire.GetQueueAttributesRequest(queueUrl, names), SqsWire.Json, cancellationToken);
        return response.Attributes ?? [];
    }

    private async Task<SqsBatchResult> BatchAsync(string operation, string queueUrl, IReadOnlyList<SqsMessage> messages, int? visibility, CancellationToken cancellationToken)
    {
        if (messages.Count is 0 or > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), $"{operation} takes 1 to {MaxBatch} entries, not {messages.Count}.");
        }

        var entries = messages.Select((m, i) => new SqsWire.BatchEntry($"m{i}", m.ReceiptHandle, visibility)).ToList();
        var response = await client.SendAsync<SqsWire.BatchRequest, SqsWire.BatchResponse>(operation, new SqsWire.BatchRequest(queueUrl, entries), SqsWire.Json, cancellationToken);
        var succeeded = (response.Successful ?? []).Select(s => MessageAt(messages, s.Id, operation).MessageId).ToList();
        var failed = (response.Failed ?? [])
            .Select(f => new SqsBatchFailure(MessageAt(messages, f.Id, operation).MessageId, f.Code ?? "Unknown", f.Message ?? "", f.SenderFault))
            .ToList();
        return new SqsBatchResult(succeeded, failed);
    }

    private static SqsMessage MessageAt(IReadOnlyList<SqsMessage> messages, string? id, string operation) =>
        id is ['m', .. var digits] && int.TryParse(digits, out var index) && index >= 0 && index < messages.Count
            ? messages[index]
            : throw new InvalidOperationException($"{operation} answered for an entry it was not sent ('{id}').");

    private static SqsMessage ToMessage(SqsWire.Message message)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in message.MessageAttributes ?? [])
        {
            if (value.StringValue is { } text)
            {
                attributes[name] = text;
            }
        }

        return new SqsMessage(
            message.MessageId ?? throw new InvalidOperationException("ReceiveMessage returned a message without a MessageId."),
            message.ReceiptHandle ?? throw new InvalidOperationException($"ReceiveMessage returned message {message.MessageId} without a ReceiptHandle."),
            message.Body ?? "",
            SqsMessage.ParseReceiveCount(message.Attributes),
            attributes);
    }
}
