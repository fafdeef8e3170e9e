using System.Text.Json;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Notify;

/// <summary>Reads of the outbox for the API.</summary>
internal sealed class NotifyQueries(ConductorDatabase database)
{
    public static IReadOnlyList<string> States { get; } = ["pending", "delivered", "dead", "skipped"];

    /// <summary>Newest first, optionally one state and one destination.</summary>
    public IReadOnlyList<DeliveryView> Deliveries(string? state, string? destination, int limit) => Read(
        $"""
        SELECT {DeliveryView.Columns} FROM {DeliveryView.Source}
        WHERE (@state IS NULL OR d.state = @state) AND (@destination IS NULL OR d.destination = @destination)
        ORDER BY e.seq DESC, d.destination LIMIT @limit
        """,
        ("@state", state), ("@destination", destination), ("@limit", limit));

    /// <summary>A job's deliveries in the order its events happened.</summary>
    public IReadOnlyList<DeliveryView> ForJob(string jobId) => Read(
        $"SELECT {DeliveryView.Columns} FROM {DeliveryView.Source} WHERE e.job_id = CAST(@job AS TEXT) ORDER BY e.seq, d.destination", ("@job", jobId));

    public IReadOnlyList<DeliveryView> ForEvent(string eventId) => Read(
        $"SELECT {DeliveryView.Columns} FROM {DeliveryView.Source} WHERE d.event_id = CAST(@event AS TEXT) ORDER BY d.destination", ("@event", eventId));

    public Dictionary<string, long> CountsByState()
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query("SELECT state, count(*) FROM notify_deliveries GROUP BY state");
        var counts = States.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
        while (reader.Read())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>The document sent for the event (null until its first attempt fixed it); false when there is no such event.</summary>
    public bool TryEvent(string eventId, out JsonElement? document)
    {
        document = null;
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query("SELECT body FROM notify_events WHERE id = CAST(@id AS TEXT)", ("@id", eventId));
        if (!reader.Read())
        {
            return false;
        }

        if (reader.GetStringOrNull(0) is { } body)
        {
            using var parsed = JsonDocument.Parse(body);
            document = parsed.RootElement.Clone();
        }

        return true;
    }

    public bool JobExists(string jobId)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return db.QueryLong("SELECT count(*) FROM jobs WHERE id = CAST(@id AS TEXT)", ("@id", jobId)) > 0;
    }

    private List<DeliveryView> Read(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query(sql, parameters);
        var views = new List<DeliveryView>();
        while (reader.Read())
        {
            views.Add(DeliveryView.From(reader));
        }

        return views;
    }
}
