using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace AgentConductor.Conductor.Aws.Sqs;

/// <summary>
/// <see cref="ISqsClient"/> on AWSSDK.SQS. The SDK speaks the protocol, signs, checks the MD5 digests SQS sends and
/// retries (<see cref="AwsSdkConfig"/>); this maps its types to the conductor's and its errors to
/// <see cref="AwsException"/>s. Batch calls address entries by position (<c>m0</c>..<c>m9</c>).
/// </summary>
internal sealed class SqsClient(IAmazonSQS sqs) : ISqsClient, IDisposable
{
    public const int MaxBatch = 10;

    /// <summary>A client with the default credential chain (<paramref name="credentials"/>) and the shared AWS settings.</summary>
    /// <param name="serviceUrl">An endpoint override (a VPC endpoint, a local emulator); null for the region's.</param>
    public static SqsClient Create(AwsOptions options, IAwsCredentials credentials, string? serviceUrl) =>
        new(new AmazonSQSClient(new SdkCredentials(credentials), AwsSdkConfig.Create<AmazonSQSConfig>(options, serviceUrl)));

    public async Task<IReadOnlyList<SqsMessage>> ReceiveAsync(string queueUrl, SqsReceiveOptions options, CancellationToken cancellationToken)
    {
        var request = new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = options.MaxMessages,
            WaitTimeSeconds = (int)options.WaitTime.TotalSeconds,
            VisibilityTimeout = options.VisibilityTimeout is { } visibility ? (int)visibility.TotalSeconds : null,
            MessageAttributeNames = [.. options.MessageAttributeNames],
        };
        var response = await CallAsync("ReceiveMessage", () => sqs.ReceiveMessageAsync(request, cancellationToken));
        return (response.Messages ?? []).Select(ToMessage).ToList();
    }

    public async Task<SqsBatchResult> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, CancellationToken cancellationToken)
    {
        const string Operation = "DeleteMessageBatch";
        CheckBatch(Operation, messages);
        var request = new DeleteMessageBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = messages.Select((m, i) => new DeleteMessageBatchRequestEntry { Id = EntryId(i), ReceiptHandle = m.ReceiptHandle }).ToList(),
        };
        var response = await CallAsync(Operation, () => sqs.DeleteMessageBatchAsync(request, cancellationToken));
        return Result(Operation, messages, response.Successful?.Select(s => s.Id), response.Failed);
    }

    public async Task<SqsBatchResult> ChangeVisibilityBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        const string Operation = "ChangeMessageVisibilityBatch";
        CheckBatch(Operation, messages);
        var request = new ChangeMessageVisibilityBatchRequest
        {
            QueueUrl = queueUrl,
            Entries = messages
                .Select((m, i) => new ChangeMessageVisibilityBatchRequestEntry { Id = EntryId(i), ReceiptHandle = m.ReceiptHandle, VisibilityTimeout = (int)visibility.TotalSeconds })
                .ToList(),
        };
        var response = await CallAsync(Operation, () => sqs.ChangeMessageVisibilityBatchAsync(request, cancellationToken));
        return Result(Operation, messages, response.Successful?.Select(s => s.Id), response.Failed);
    }

    public async Task<string> SendAsync(string queueUrl, SqsOutgoingMessage message, CancellationToken cancellationToken)
    {
        var request = new SendMessageRequest
        {
            QueueUrl = queueUrl,
            MessageBody = message.Body,
            MessageGroupId = message.GroupId,
            MessageDeduplicationId = message.DeduplicationId,
        };
        if (message.Attributes is { Count: > 0 } attributes)
        {
            request.MessageAttributes = attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value });
        }

        var response = await CallAsync("SendMessage", () => sqs.SendMessageAsync(request, cancellationToken));
        return response.MessageId ?? throw new InvalidOperationException("SendMessage answered without a MessageId.");
    }

    public async Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var request = new GetQueueAttributesRequest { QueueUrl = queueUrl, AttributeNames = [.. names] };
        var response = await CallAsync("GetQueueAttributes", () => sqs.GetQueueAttributesAsync(request, cancellationToken));
        return response.Attributes ?? [];
    }

    public void Dispose() => sqs.Dispose();

    /// <summary>An error SQS answered becomes the <see cref="AwsException"/> the intake and the feed classify.</summary>
    private static async Task<T> CallAsync<T>(string operation, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (AmazonServiceException ex)
        {
            var code = string.IsNullOrEmpty(ex.ErrorCode) ? ex.GetType().Name : ex.ErrorCode;
            throw AwsErrorResponse.Classify(operation, code, string.IsNullOrEmpty(ex.Message) ? "(no error message)" : ex.Message, ex.StatusCode, ex.RequestId, innerException: ex);
        }
    }

    private static void CheckBatch(string operation, IReadOnlyList<SqsMessage> messages)
    {
        if (messages.Count is 0 or > MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(messages), $"{operation} takes 1 to {MaxBatch} entries, not {messages.Count}.");
        }
    }

    private static string EntryId(int index) => $"m{index}";

    private static SqsBatchResult Result(string operation, IReadOnlyList<SqsMessage> messages, IEnumerable<string>? succeeded, List<BatchResultErrorEntry>? failed) =>
        new(
            (succeeded ?? []).Select(id => MessageAt(messages, id, operation).MessageId).ToList(),
            (failed ?? [])
                .Select(f => new SqsBatchFailure(MessageAt(messages, f.Id, operation).MessageId, f.Code ?? "Unknown", f.Message ?? "", f.SenderFault ?? false))
                .ToList());

    private static SqsMessage MessageAt(IReadOnlyList<SqsMessage> messages, string? id, string operation) =>
        id is ['m', .. var digits] && int.TryParse(digits, out var index) && index >= 0 && index < messages.Count
            ? messages[index]
            : throw new InvalidOperationException($"{operation} answered for an entry it was not sent ('{id}').");

    private static SqsMessage ToMessage(Message message)
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
            attributes);
    }
}
