using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// <c>notify_deliveries</c> for the delivery loop. A delivery is claimed (attempt counted, <c>claimed_at</c> set) before
/// it is sent and settled after; every change is conditional on the row still being pending, so nothing settles twice.
/// </summary>
internal sealed class NotifyQueue(ConductorDatabase database)
{
    private const string Row = "event_id = @event AND destination = @destination AND state = 'pending'";

    /// <summary>
    /// Pending deliveries due by <paramref name="now"/>, in the order their events committed: unclaimed ones, and those
    /// claimed before <paramref name="staleBefore"/> (an attempt that never recorded its outcome, say after a database error).
    /// </summary>
    public IReadOnlyList<PendingDelivery> Due(DateTimeOffset now, DateTimeOffset staleBefore, int limit)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query(
            """
            SELECT d.event_id, d.destination, d.attempts FROM notify_deliveries d JOIN notify_events e ON e.id = d.event_id
            WHERE d.state = 'pending' AND d.due_at <= @now AND (d.claimed_at IS NULL OR d.claimed_at < @stale)
            ORDER BY e.seq, d.destination LIMIT @limit
            """,
            ("@now", UnixTime.ToMs(now)), ("@stale", UnixTime.ToMs(staleBefore)), ("@limit", limit));
        var due = new List<PendingDelivery>();
        while (reader.Read())
        {
            due.Add(new PendingDelivery(reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return due;
    }

    /// <summary>Counts the attempt and marks it in flight; false when the row was settled or claimed meanwhile.</summary>
    public bool Claim(PendingDelivery delivery, DateTimeOffset now, DateTimeOffset staleBefore) => Execute(
        $"UPDATE notify_deliveries SET attempts = attempts + 1, claimed_at = @now WHERE {Row} AND (claimed_at IS NULL OR claimed_at < @stale)",
        ("@now", UnixTime.ToMs(now)), ("@stale", UnixTime.ToMs(staleBefore)), ("@event", delivery.EventId), ("@destination", delivery.Destination));

    public bool Delivered(PendingDelivery delivery, DateTimeOffset now, int? status, string? detail) => Execute(
        $"UPDATE notify_deliveries SET state = 'delivered', claimed_at = NULL, finished_at = @now, last_status = @status, detail = CAST(@detail AS TEXT) WHERE {Row}",
        ("@now", UnixTime.ToMs(now)), ("@status", status), ("@detail", detail), ("@event", delivery.EventId), ("@destination", delivery.Destination));

    public bool Skipped(PendingDelivery delivery, DateTimeOffset now, string detail) => Execute(
        $"UPDATE notify_deliveries SET state = 'skipped', claimed_at = NULL, finished_at = @now, detail = CAST(@detail AS TEXT) WHERE {Row}",
        ("@now", UnixTime.ToMs(now)), ("@detail", detail), ("@event", delivery.EventId), ("@destination", delivery.Destination));

    /// <summary>A failed attempt: tried again at <paramref name="retryAt"/>.</summary>
    public bool Failed(PendingDelivery delivery, int? status, string error, DateTimeOffset retryAt) => Execute(
        $"UPDATE notify_deliveries SET claimed_at = NULL, due_at = @retry, last_status = @status, last_error = CAST(@error AS TEXT) WHERE {Row}",
        ("@retry", UnixTime.ToMs(retryAt)), ("@status", status), ("@error", error), ("@event", delivery.EventId), ("@destination", delivery.Destination));

    /// <summary>Dead-lettered: kept with its error, never tried again (unless requeued).</summary>
    public bool Dead(PendingDelivery delivery, DateTimeOffset now, int? status, string error) => Execute(
        $"UPDATE notify_deliveries SET state = 'dead', claimed_at = NULL, finished_at = @now, last_status = @status, last_error = CAST(@error AS TEXT) WHERE {Row}",
        ("@now", UnixTime.ToMs(now)), ("@status", status), ("@error", error), ("@event", delivery.EventId), ("@destination", delivery.Destination));

    /// <summary>An attempt the conductor stopped itself (shutdown): due again at once, with the same event id.</summary>
    public bool Release(PendingDelivery delivery, DateTimeOffset now, string note) => Execute(
        $"UPDATE notify_deliveries SET claimed_at = NULL, due_at = @now, last_error = CAST(@note AS TEXT) WHERE {Row}",
        ("@now", UnixTime.ToMs(now)), ("@note", note), ("@event", delivery.EventId), ("@destination", delivery.Destination));

    /// <summary>
    /// At startup: attempts still marked in flight were cut off by a stop or crash. Whether the receiver got them is unknown,
    /// so each is due again at once and sent with the same event id (at least once). Returns how many.
    /// </summary>
    public int ReleaseInterrupted(DateTimeOffset now)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return db.Execute(
            """
            UPDATE notify_deliveries SET claimed_at = NULL, due_at = @now,
                last_error = 'the conductor stopped during this attempt; sent again with the same event id'
            WHERE state = 'pending' AND claimed_at IS NOT NULL
            """,
            ("@now", UnixTime.ToMs(now)));
    }

    /// <summary>Puts a dead-lettered delivery back in the queue with a fresh attempt count; false when it was not dead.</summary>
    public bool Requeue(string eventId, string destination, DateTimeOffset now) => Execute(
        """
        UPDATE notify_deliveries SET state = 'pending', attempts = 0, due_at = @now, claimed_at = NULL, finished_at = NULL
        WHERE event_id = @event AND destination = @destination AND state = 'dead'
        """,
        ("@now", UnixTime.ToMs(now)), ("@event", eventId), ("@destination", destination));

    /// <summary>The event's JSON document, fixed by the first attempt: built by <paramref name="build"/> only if none is stored yet.</summary>
    public string? Body(string eventId, Func<Statements, string?> build)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var db = new Statements(connection) { Transaction = transaction };
        if (db.QueryString("SELECT body FROM notify_events WHERE id = @id", ("@id", eventId)) is { } stored)
        {
            return stored;
        }

        var body = build(db);
        if (body is not null)
        {
            db.Execute("UPDATE notify_events SET body = CAST(@body AS TEXT) WHERE id = @id", ("@body", body), ("@id", eventId));
        }

        transaction.Commit();
        return body;
    }

    private bool Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return db.Execute(sql, parameters) > 0;
    }
}
