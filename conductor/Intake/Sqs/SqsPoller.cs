using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>
/// One poll of the intake queue: receive a batch, store it through the scheduler in one transaction, then delete what
/// is stored. Nothing is deleted before its commit, so a crash in between means a redelivery, which the scheduler turns
/// into a duplicate no-op. Messages the database was too busy to take are left in the queue (visible again soon).
/// </summary>
internal sealed partial class SqsPoller(
    ISqsClient sqs,
    Scheduler scheduler,
    ShutdownGate gate,
    DispatchSignal dispatch,
    RejectedMessageLookup rejectedBefore,
    IOptions<SqsIntakeOptions> options,
    SqsIntakeStatus status,
    TimeProvider time,
    ILogger<SqsPoller> logger)
{
    /// <summary>Deletes after a commit get this long even while the host stops: finishing them saves a redelivery.</summary>
    private static readonly TimeSpan AfterCommitTimeout = TimeSpan.FromSeconds(15);

    public async Task<SqsPollResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (gate.IsClosed)
        {
            status.Paused();
            return SqsPollResult.GateClosed;
        }

        var settings = options.Value;
        var queueUrl = settings.QueueUrl!;
        var messages = await sqs.ReceiveAsync(
            queueUrl,
            new SqsReceiveOptions(settings.MaxMessages, TimeSpan.FromSeconds(settings.WaitTimeSeconds), settings.VisibilityTimeout, [SqsMessageKey.AttributeName]),
            cancellationToken);
        status.Polling();
        if (messages.Count == 0)
        {
            return SqsPollResult.Empty;
        }

        var receivedAt = time.GetUtcNow();
        ScheduleResult result;
        try
        {
            result = await scheduler.ScheduleAsync(messages.Select(m => new InboundMessage(SqsMessageKey.For(m), m.Body, receivedAt)).ToList(), cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            Log.DatabaseBusy(logger, messages.Count, settings.BusyRetryDelay, ex.Message);
            status.CountLeftForRetry(messages.Count);
            await ChangeVisibilityAsync(queueUrl, messages, settings.BusyRetryDelay);
            return new SqsPollResult(messages.Count, 0, 0, 0, 0, 0, messages.Count);
        }

        if (result.Decisions.Count > 0)
        {
            dispatch.Poke();
        }

        return await SettleAsync(queueUrl, messages, result, settings.DeleteRejected);
    }

    /// <summary>Deletes the committed messages; rejected ones only when <see cref="SqsIntakeOptions.DeleteRejected"/>.</summary>
    private async Task<SqsPollResult> SettleAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, ScheduleResult result, bool deleteRejected)
    {
        // A redelivered message that was rejected before must stay for the redrive policy too, not be deleted as a duplicate.
        HashSet<string> keepDuplicates = deleteRejected
            ? []
            : rejectedBefore.Find(result.Messages.Where(m => m.Disposition == MessageDisposition.Duplicate).Select(m => m.MessageId).ToList());
        var delete = new List<SqsMessage>(messages.Count);
        int stored = 0, duplicates = 0, rejected = 0;
        for (var i = 0; i < messages.Count; i++)
        {
            var outcome = result.Messages[i];
            switch (outcome.Disposition)
            {
                case MessageDisposition.Stored:
                    stored++;
                    delete.Add(messages[i]);
                    break;
                case MessageDisposition.Duplicate:
                    duplicates++;
                    if (!keepDuplicates.Contains(outcome.MessageId))
                    {
                        delete.Add(messages[i]);
                    }

                    break;
                case MessageDisposition.Rejected:
                    rejected++;
                    Log.Rejected(logger, messages[i].MessageId, outcome.MessageId, outcome.Note, deleteRejected ? "deleted" : "left for the queue's redrive policy");
                    if (deleteRejected)
                    {
                        delete.Add(messages[i]);
                    }

                    break;
            }
        }

        status.Count(messages.Count, stored, duplicates, rejected);
        var (deleted, deleteFailed) = delete.Count == 0 ? (0, 0) : await DeleteAsync(queueUrl, delete);
        status.CountDeleted(deleted, deleteFailed);
        var left = messages.Count - deleted;
        Log.Batch(logger, messages.Count, stored, duplicates, rejected, deleted, left);
        return new SqsPollResult(messages.Count, stored, duplicates, rejected, deleted, deleteFailed, left);
    }

    private async Task<(int Deleted, int Failed)> DeleteAsync(string queueUrl, IReadOnlyList<SqsMessage> messages)
    {
        using var timeout = new CancellationTokenSource(AfterCommitTimeout, time);
        try
        {
            var result = await sqs.DeleteBatchAsync(queueUrl, messages, timeout.Token);
            foreach (var failure in result.Failed)
            {
                Log.DeleteEntryFailed(logger, failure.MessageId, failure.Code, failure.Message);
            }

            return (result.Succeeded.Count, result.Failed.Count);
        }
        catch (Exception ex)
        {
            Log.DeleteFailed(logger, messages.Count, ex.Message);
            return (0, messages.Count);
        }
    }

    private async Task ChangeVisibilityAsync(string queueUrl, IReadOnlyList<SqsMessage> messages, TimeSpan visibility)
    {
        using var timeout = new CancellationTokenSource(AfterCommitTimeout, time);
        try
        {
            var result = await sqs.ChangeVisibilityBatchAsync(queueUrl, messages, visibility, timeout.Token);
            foreach (var failure in result.Failed)
            {
                Log.VisibilityEntryFailed(logger, failure.MessageId, failure.Code, failure.Message);
            }
        }
        catch (Exception ex)
        {
            // Not fatal: the messages come back after the queue's visibility timeout instead.
            Log.VisibilityFailed(logger, messages.Count, ex.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, EventName = "SqsBatch", Level = LogLevel.Information, Message = "SQS batch of {Received}: {Stored} stored, {Duplicates} duplicate, {Rejected} rejected; {Deleted} deleted, {Left} left in the queue")]
        public static partial void Batch(ILogger logger, int received, int stored, int duplicates, int rejected, int deleted, int left);

        [LoggerMessage(EventId = 601, EventName = "SqsMessageRejected", Level = LogLevel.Warning, Message = "SQS message {SqsMessageId} (key {MessageKey}) {Note}; stored with its reason and {Fate}")]
        public static partial void Rejected(ILogger logger, string sqsMessageId, string messageKey, string note, string fate);

        [LoggerMessage(EventId = 602, EventName = "SqsDatabaseBusy", Level = LogLevel.Warning, Message = "The database was busy: {Count} SQS messages left in the queue, visible again in {Delay} ({Reason})")]
        public static partial void DatabaseBusy(ILogger logger, int count, TimeSpan delay, string reason);

        [LoggerMessage(EventId = 603, EventName = "SqsDeleteEntryFailed", Level = LogLevel.Warning, Message = "SQS did not delete stored message {SqsMessageId} ({Code}: {Reason}); its redelivery will be a duplicate and deleted then")]
        public static partial void DeleteEntryFailed(ILogger logger, string sqsMessageId, string code, string reason);

        [LoggerMessage(EventId = 604, EventName = "SqsDeleteFailed", Level = LogLevel.Warning, Message = "Deleting {Count} stored SQS messages failed ({Reason}); their redeliveries will be duplicates and deleted then")]
        public static partial void DeleteFailed(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = 605, EventName = "SqsVisibilityEntryFailed", Level = LogLevel.Information, Message = "SQS did not shorten the visibility of {SqsMessageId} ({Code}: {Reason}); it comes back after the visibility timeout")]
        public static partial void VisibilityEntryFailed(ILogger logger, string sqsMessageId, string code, string reason);

        [LoggerMessage(EventId = 606, EventName = "SqsVisibilityFailed", Level = LogLevel.Information, Message = "Shortening the visibility of {Count} SQS messages failed ({Reason}); they come back after the visibility timeout")]
        public static partial void VisibilityFailed(ILogger logger, int count, string reason);
    }
}
