using System.Collections.Concurrent;
using AgentConductor.Common;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Works through the outbox: each pass takes the due deliveries, destinations side by side, each destination's in the
/// order their events committed. An attempt is claimed (counted) before it is sent, so one cut off by a crash is sent again
/// with the same event id after the restart. A failure that may pass is retried after a jittered exponential backoff (or
/// the receiver's Retry-After, when longer) and ends that destination's share of the pass; after <c>Notify:MaxAttempts</c>
/// the delivery is dead-lettered. Nothing here touches a job: a failing destination delays only its own notifications.
/// Failures are logged once per destination until a delivery to it succeeds again; dead letters each once.
/// </summary>
internal sealed partial class NotifyDeliverer(
    NotifyQueue queue, Notifiers notifiers, SecretMask mask, IOptions<NotifyOptions> options, Backoff backoff, TimeProvider time, ILogger<NotifyDeliverer> logger)
{
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    /// <summary>Makes one pass; returns how many deliveries it attempted (a full batch means more may be due).</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var due = queue.Due(time.GetUtcNow(), StaleBefore(), options.Value.BatchSize);
        if (due.Count == 0)
        {
            return 0;
        }

        var attempted = await Task.WhenAll(due
            .GroupBy(d => d.Destination, StringComparer.Ordinal)
            .Select(group => DeliverAsync([.. group], cancellationToken)));
        return attempted.Sum();
    }

    private async Task<int> DeliverAsync(List<PendingDelivery> deliveries, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var attempted = 0;
        foreach (var delivery in deliveries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            attempted++;
            if (!await AttemptAsync(delivery, cancellationToken))
            {
                break;
            }
        }

        return attempted;
    }

    /// <summary>False when the destination failed in a way that may pass: its other deliveries wait for the next pass.</summary>
    private async Task<bool> AttemptAsync(PendingDelivery delivery, CancellationToken cancellationToken)
    {
        if (notifiers.Find(delivery.Destination) is not { } notifier)
        {
            queue.Dead(delivery, time.GetUtcNow(), null, "the destination is no longer configured");
            return true;
        }

        var publicUrl = options.Value.PublicUrl;
        var body = queue.Body(delivery.EventId, db => NotifyEventReader.Read(db, delivery.EventId, publicUrl) is { } e ? NotifyJson.Serialize(e) : null);
        if (body is null)
        {
            queue.Dead(delivery, time.GetUtcNow(), null, "the event or its job no longer exists");
            return true;
        }

        var notifyEvent = NotifyJson.Deserialize(body);
        if (!queue.Claim(delivery, time.GetUtcNow(), StaleBefore()))
        {
            return true;
        }

        var attempt = delivery.Attempts + 1;
        DeliveryOutcome outcome;
        try
        {
            outcome = await notifier.DeliverAsync(notifyEvent, body, attempt, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            queue.Release(delivery, time.GetUtcNow(), "the conductor stopped during this attempt; sent again with the same event id");
            throw;
        }
        catch (Exception ex)
        {
            outcome = DeliveryOutcome.Retry(null, $"{ex.GetType().Name}: {ex.Message}");
        }

        return Settle(delivery, notifyEvent, attempt, outcome with { Message = mask.Apply(outcome.Message) });
    }

    /// <summary>
    /// An attempt makes at most three requests, each cut off after <c>Notify:RequestTimeout</c>: a claim much older than
    /// that belongs to an attempt that could not record its outcome (a database error), and is taken again.
    /// </summary>
    private DateTimeOffset StaleBefore() => time.GetUtcNow() - (options.Value.RequestTimeout * 4 + TimeSpan.FromMinutes(1));

    private bool Settle(PendingDelivery delivery, NotifyEvent notifyEvent, int attempt, DeliveryOutcome outcome)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                queue.Delivered(delivery, now, outcome.Status, outcome.Message);
                Log.Delivered(logger, notifyEvent.Id, notifyEvent.Type, delivery.Destination, attempt, outcome.Message);
                Recovered(delivery.Destination);
                return true;
            case DeliveryResult.Skipped:
                queue.Skipped(delivery, now, outcome.Message);
                return true;
            case DeliveryResult.Dead:
                queue.Dead(delivery, now, outcome.Status, outcome.Message);
                Log.Dead(logger, notifyEvent.Id, notifyEvent.Type, notifyEvent.JobId, delivery.Destination, attempt, outcome.Message);
                return true;
        }

        if (attempt >= settings.MaxAttempts)
        {
            var error = $"{outcome.Message} (gave up after {attempt} attempts, Notify:MaxAttempts)";
            queue.Dead(delivery, now, outcome.Status, error);
            Log.Dead(logger, notifyEvent.Id, notifyEvent.Type, notifyEvent.JobId, delivery.Destination, attempt, error);
            Failing(delivery.Destination, outcome.Message, null);
            return false;
        }

        var wait = backoff.Delay(attempt, settings.RetryBase, settings.RetryCap);
        if (outcome.RetryAfter is { } asked && asked > wait)
        {
            wait = asked < settings.RetryCap ? asked : settings.RetryCap;
        }

        var retryAt = now + wait;
        queue.Failed(delivery, outcome.Status, outcome.Message, retryAt);
        Log.AttemptFailed(logger, notifyEvent.Id, delivery.Destination, attempt, outcome.Message, retryAt);
        Failing(delivery.Destination, outcome.Message, retryAt);
        return false;
    }

    private void Failing(string destination, string error, DateTimeOffset? retryAt)
    {
        if (_failing.TryAdd(destination, true))
        {
            Log.DestinationFailing(logger, destination, error, retryAt?.ToString("O") ?? "never (dead-lettered)");
        }
    }

    private void Recovered(string destination)
    {
        if (_failing.TryRemove(destination, out _))
        {
            Log.DestinationRecovered(logger, destination);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 701, EventName = "NotifyDestinationFailing", Level = LogLevel.Warning,
            Message = "Deliveries to {Destination} are failing: {Error}; next try at {RetryAt} (further failures are logged at debug level until a delivery to it succeeds)")]
        public static partial void DestinationFailing(ILogger logger, string destination, string error, string retryAt);

        [LoggerMessage(EventId = 702, EventName = "NotifyAttemptFailed", Level = LogLevel.Debug, Message = "Event {EventId} to {Destination}, attempt {Attempt}, failed: {Error}; retry at {RetryAt}")]
        public static partial void AttemptFailed(ILogger logger, string eventId, string destination, int attempt, string error, DateTimeOffset retryAt);

        [LoggerMessage(EventId = 703, EventName = "NotifyDestinationRecovered", Level = LogLevel.Information, Message = "Deliveries to {Destination} succeed again")]
        public static partial void DestinationRecovered(ILogger logger, string destination);

        [LoggerMessage(EventId = 704, EventName = "NotifyDeliveryDead", Level = LogLevel.Warning,
            Message = "Event {EventId} ({Type}, job {JobId}) to {Destination} is dead-lettered after {Attempts} attempts: {Error}")]
        public static partial void Dead(ILogger logger, string eventId, string type, string jobId, string destination, int attempts, string error);

        [LoggerMessage(EventId = 705, EventName = "NotifyDelivered", Level = LogLevel.Debug, Message = "Event {EventId} ({Type}) delivered to {Destination} (attempt {Attempt}): {Detail}")]
        public static partial void Delivered(ILogger logger, string eventId, string type, string destination, int attempt, string detail);
    }
}
