using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>A job as the status API shows it. Never carries a token or its hash.</summary>
internal sealed record JobView(
    string Id, string Kind, string State, string? StateReason, int Attempt, string? TicketKey, long? IncidentId,
    string? Account, string? ProjectKey, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JobArchiveView? Archive, JobUsageView Usage)
{
    public const string Columns =
        $"id, kind, state, state_reason, attempt, ticket_key, incident_id, account, project_key, created_at, updated_at, {JobArchiveView.Columns}, {JobUsageView.Columns}";

    /// <summary>What <see cref="Columns"/> are selected from.</summary>
    public const string Source = "jobs LEFT JOIN job_archives a ON a.job_id = jobs.id LEFT JOIN job_results r ON r.job_id = jobs.id";

    public static JobView From(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetStringOrNull(3), r.GetInt32(4), r.GetStringOrNull(5), r.GetInt64OrNull(6),
        r.GetStringOrNull(7), r.GetStringOrNull(8), UnixTime.FromMs(r.GetInt64(9)), UnixTime.FromMs(r.GetInt64(10)), JobArchiveView.From(r, 11),
        JobUsageView.From(r, 17));
}

internal sealed record JobEventView(DateTimeOffset At, string? From, string To, string? Reason);

internal sealed record IncidentView(
    long IncidentId, string Account, int Alarms, DateTimeOffset FirstAt, DateTimeOffset LastAt, DateTimeOffset OpenedAt,
    string? JobId, string? JobState, int ContextAlarms);
