using System.Collections.Concurrent;
using AgentConductor.Conductor.Aws.Sqs;

namespace AgentConductor.Conductor.Tests.Intake.Sqs;

/// <summary>
/// The real SQS client, recording every batch call, with one test hook: <see cref="InterruptDeletes"/> makes deletes throw
/// before they reach SQS, as if the conductor died between its commit and the delete.
/// </summary>
internal sealed class RecordingSqsClient(ISqsClient inner) : ISqsClient
{
    public ConcurrentQueue<(string Operation, int Entries)> BatchCalls { get; } = new();

    public int InterruptDeletes { get; set; }

    public int Receives { get; private set; }

    public async Task<IReadOnlyList<SqsMessage>> ReceiveAsync(string queueUrl, SqsReceiveOptions options, CancellationToken cancellationToken)
    {
        Receives++;
        return await inner.ReceiveAsync(queueUrl, options, cancellationToken);
    }

    public Task<SqsBatchResult> DeleteBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, CancellationToken cancellationToken)
    {
        BatchCalls.Enqueue(("DeleteMessageBatch", messages.Count));
        if (InterruptDeletes > 0)
        {
            InterruptDeletes--;
            throw new HttpRequestException("interrupted before the delete reached SQS (test)");
        }

        return inner.DeleteBatchAsync(queueUrl, messages, cancellationToken);
    }

    public Task<SqsBatchResult> ChangeVisibilityBatchAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, TimeSpan visibility, CancellationToken cancellationToken)
    {
        BatchCalls.Enqueue(("ChangeMessageVisibilityBatch", messages.Count));
        return inner.ChangeVisibilityBatchAsync(queueUrl, messages, visibility, cancellationToken);
    }

    public Task<string> SendAsync(string queueUrl, SqsOutgoingMessage message, CancellationToken cancellationToken) => inner.SendAsync(queueUrl, message, cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> GetQueueAttributesAsync(string queueUrl, IReadOnlyList<string> names, CancellationToken cancellationToken) =>
        inner.GetQueueAttributesAsync(queueUrl, names, cancellationToken);
}
