using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Notify;

/// <summary>A delivery as the API shows it: where it goes, how it stands, and why it failed last.</summary>
internal sealed record DeliveryView(
    string EventId, string Type, string JobId, DateTimeOffset OccurredAt, string Destination, string State, int Attempts, bool InFlight,
    DateTimeOffset? NextAttemptAt, int? LastStatus, string? LastError, string? Detail, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    public const string Columns =
        "d.event_id, e.type, e.job_id, e.at, d.destination, d.state, d.attempts, d.claimed_at IS NOT NULL, " +
        "CASE WHEN d.state = 'pending' THEN d.due_at END, d.last_status, d.last_error, d.detail, d.created_at, d.finished_at";

    public const string Source = "notify_deliveries d JOIN notify_events e ON e.id = d.event_id";

    public static DeliveryView From(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), UnixTime.FromMs(r.GetInt64(3)), r.GetString(4), r.GetString(5), r.GetInt32(6), r.GetBoolean(7),
        UnixTime.FromMs(r.GetInt64OrNull(8)), r.IsDBNull(9) ? null : r.GetInt32(9), r.GetStringOrNull(10), r.GetStringOrNull(11),
        UnixTime.FromMs(r.GetInt64(12)), UnixTime.FromMs(r.GetInt64OrNull(13)));
}
