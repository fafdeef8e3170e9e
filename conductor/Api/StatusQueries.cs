using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>Read-only queries behind the status API, each on its own short-lived connection.</summary>
internal sealed class StatusQueries(ConductorDatabase database)
{
    public Dictionary<string, long> JobsByState()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        Read("SELECT state, count(*) FROM jobs GROUP BY state", [], r => counts[r.GetString(0)] = r.GetInt64(1));
        return counts;
    }

    public List<JobView> Jobs(string? state, int limit)
    {
        var jobs = new List<JobView>();
        Read(
            $"SELECT {JobView.Columns} FROM {JobView.Source} {(state is null ? "" : "WHERE state = @state")} ORDER BY created_at DESC, id DESC LIMIT @limit",
            [("@state", state), ("@limit", limit)],
            r => jobs.Add(JobView.From(r)));
        return jobs;
    }

    public JobView? Job(string id)
    {
        JobView? job = null;
        Read($"SELECT {JobView.Columns} FROM {JobView.Source} WHERE id = CAST(@id AS TEXT)", [("@id", id)], r => job = JobView.From(r));
        return job;
    }

    public List<JobEventView> JobEvents(string id)
    {
        var events = new List<JobEventView>();
        Read(
            "SELECT at, from_state, to_state, reason FROM job_events WHERE job_id = CAST(@id AS TEXT) ORDER BY id",
            [("@id", id)],
            r => events.Add(new JobEventView(UnixTime.FromMs(r.GetInt64(0)), r.GetStringOrNull(1), r.GetString(2), r.GetStringOrNull(3))));
        return events;
    }

    public List<IncidentView> Incidents(int limit)
    {
        var incidents = new List<IncidentView>();
        Read(
            """
            SELECT i.id, i.account, i.alarm_count, i.first_alarm_at, i.last_alarm_at, i.opened_at, j.id, j.state,
                   (SELECT count(*) FROM alarms a WHERE a.incident_id = i.id AND a.state <> 'ALARM')
            FROM incidents i LEFT JOIN jobs j ON j.incident_id = i.id
            WHERE i.merged_into IS NULL ORDER BY i.first_alarm_at DESC LIMIT @limit
            """,
            [("@limit", limit)],
            r => incidents.Add(new IncidentView(
                r.GetInt64(0), r.GetString(1), r.GetInt32(2), UnixTime.FromMs(r.GetInt64(3)), UnixTime.FromMs(r.GetInt64(4)),
                UnixTime.FromMs(r.GetInt64(5)), r.GetStringOrNull(6), r.GetStringOrNull(7), r.GetInt32(8))));
        return incidents;
    }

    private void Read(string sql, (string Name, object? Value)[] parameters, Action<SqliteDataReader> row)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query(sql, parameters);
        while (reader.Read())
        {
            row(reader);
        }
    }
}
