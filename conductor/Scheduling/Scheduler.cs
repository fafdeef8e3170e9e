using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.Telemetry;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// Stores messages and applies the scheduling rules, one SQLite transaction per batch: each event row,
/// any ticket/incident/follow-up change, each new job (<c>pending</c>) and its first audit row commit together,
/// so a crash leaves either all of a batch or none of it. Calls are serialised: SQLite has one writer.
/// </summary>
internal sealed class Scheduler : IDisposable
{
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly MessageParser _parser;
    private readonly IntakeOptions _intakeOptions;
    private readonly SqliteConnection _connection;
    private readonly Statements _db;
    private readonly TicketRules _tickets;
    private readonly IncidentChainer _incidents;
    private readonly FollowUpRules _followUps;
    private readonly JobTraceBatch _traces = new();

    /// <param name="followUps">GitHub deliveries' secret and rules; the default has no secret, so every delivery is rejected.</param>
    public Scheduler(ConductorDatabase database, SchedulerOptions options, IntakeOptions intakeOptions, FollowUpSettings? followUps = null)
    {
        followUps ??= FollowUpSettings.Default;
        _intakeOptions = intakeOptions;
        _parser = new MessageParser(intakeOptions, followUps.WebhookSecret);
        _connection = database.OpenConnection();
        _db = new Statements(_connection);
        var jobs = new JobWriter(_db) { Traces = _traces };
        _tickets = new TicketRules(options, _db, jobs);
        _incidents = new IncidentChainer(options, _db, jobs);
        _followUps = new FollowUpRules(followUps.Options, _db, jobs);
    }

    public async Task<ScheduleResult> ScheduleAsync(IReadOnlyList<InboundMessage> messages, CancellationToken cancellationToken)
    {
        // Parsing needs no database: done before taking the writer, it overlaps another caller's transaction.
        var parsed = new ParsedMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            parsed[i] = _parser.Parse(messages[i].Body, messages[i].ReceivedBytes);
        }

        await _writer.WaitAsync(cancellationToken);
        try
        {
            return ScheduleBatch(messages, parsed);
        }
        finally
        {
            _writer.Release();
        }
    }

    public void Dispose()
    {
        _db.Dispose();
        _connection.Dispose();
        _writer.Dispose();
    }

    private ScheduleResult ScheduleBatch(IReadOnlyList<InboundMessage> messages, ParsedMessage[] parsed)
    {
        var outcomes = new List<MessageOutcome>(messages.Count);
        var decisions = new List<Decision>();
        var cancelled = new List<string>();
        using var transaction = _connection.BeginTransaction(deferred: false);
        _db.Transaction = transaction;
        try
        {
            var nextEventId = (_db.QueryLong("SELECT max(id) FROM events") ?? 0) + 1;
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                var outcome = Apply(message, parsed[i], nextEventId, decisions, cancelled);
                if (outcome.Disposition != MessageDisposition.Duplicate)
                {
                    nextEventId++;
                }

                outcomes.Add(outcome);
            }

            transaction.Commit();
            _traces.Committed();
        }
        finally
        {
            _traces.Abandon();
            _db.Transaction = null;
        }

        return new ScheduleResult(outcomes, decisions, cancelled);
    }

    private MessageOutcome Apply(InboundMessage message, ParsedMessage parsed, long eventId, List<Decision> decisions, List<string> cancelled)
    {
        if (string.IsNullOrEmpty(message.MessageId))
        {
            throw new ArgumentException("Every message needs a message id (its idempotency key).", nameof(message));
        }

        var receivedMs = UnixTime.ToMs(message.ReceivedAt);
        // The event row goes first so everything the rules write can reference it; its outcome is filled in last.
        // Inserting it is also the idempotency check: a message id already stored inserts nothing.
        switch (parsed)
        {
            case TicketMessage ticket:
            {
                if (!TryInsertEvent(eventId, message, "ticket", ticket.Format, ticket.EventTime, null, ticket.Key))
                {
                    return Duplicate(message);
                }

                return Stored(eventId, message, _tickets.Apply(ticket, eventId, message, decisions, cancelled));
            }

            case AlarmMessage alarm:
            {
                if (!TryInsertEvent(eventId, message, "alarm", alarm.Format, alarm.EventTime ?? alarm.StateChangedAt, alarm.Account, null))
                {
                    return Duplicate(message);
                }

                var alarmAt = alarm.AlarmTime is { } at ? UnixTime.ToMs(at) : receivedMs;
                return Stored(eventId, message, _incidents.Apply(alarm, eventId, alarmAt, message, decisions, cancelled));
            }

            case GitHubDelivery delivery:
            {
                if (!TryInsertEvent(eventId, message, "github", MessageFormat.GitHubWebhook, delivery.EventTime, null, null))
                {
                    return Duplicate(message);
                }

                return Stored(eventId, message, _followUps.Apply(delivery, eventId, message, decisions));
            }

            case RejectedMessage rejected:
            {
                if (!TryInsertEvent(eventId, message, "rejected", rejected.Format, null, null, null, $"rejected: {rejected.Reason}"))
                {
                    return Duplicate(message);
                }

                _db.Execute(
                    """
                    INSERT INTO rejected_messages (event_id, message_id, reason, detail, rejected_at)
                    VALUES (@event, CAST(@message AS TEXT), @reason, CAST(@detail AS TEXT), @at)
                    """,
                    ("@event", eventId), ("@message", message.MessageId), ("@reason", rejected.Reason), ("@detail", rejected.Detail), ("@at", receivedMs));
                return new MessageOutcome(message.MessageId, MessageDisposition.Rejected, $"rejected: {rejected.Reason}: {rejected.Detail}", rejected.Reason);
            }

            default:
                throw new InvalidOperationException($"Unexpected parse result {parsed.GetType().Name}.");
        }
    }

    private static MessageOutcome Duplicate(InboundMessage message) =>
        new(message.MessageId, MessageDisposition.Duplicate, "already stored: redelivery ignored");

    private MessageOutcome Stored(long eventId, InboundMessage message, string note)
    {
        _db.Execute("UPDATE events SET outcome = CAST(@outcome AS TEXT) WHERE id = @id", ("@outcome", note), ("@id", eventId));
        return new MessageOutcome(message.MessageId, MessageDisposition.Stored, note);
    }

    /// <summary>Stores the event; false when its message id is already stored (a redelivery).</summary>
    private bool TryInsertEvent(long id, InboundMessage message, string kind, MessageFormat? format, DateTimeOffset? eventAt, string? account, string? ticketKey, string outcome = "")
    {
        var body = StoredBody.Limit(message, _intakeOptions.MaxBodyBytes);
        return _db.Execute(
            """
            INSERT INTO events (id, message_id, received_at, event_at, kind, format, account, ticket_key, outcome, body, body_bytes, body_truncated)
            VALUES (@id, CAST(@message AS TEXT), @received, @eventAt, @kind, @format, CAST(@account AS TEXT), CAST(@ticket AS TEXT),
                CAST(@outcome AS TEXT), CAST(@body AS TEXT), @bytes, @truncated)
            ON CONFLICT (message_id) DO NOTHING
            """,
            ("@id", id), ("@message", message.MessageId), ("@received", UnixTime.ToMs(message.ReceivedAt)),
            ("@eventAt", eventAt is { } e ? UnixTime.ToMs(e) : null), ("@kind", kind), ("@format", format is { } f ? MessageFormats.ToName(f) : null),
            ("@account", account), ("@ticket", ticketKey), ("@outcome", outcome), ("@body", body.Text), ("@bytes", body.Bytes),
            ("@truncated", body.Truncated ? 1 : 0)) == 1;
    }
}
