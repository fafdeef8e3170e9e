using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>Read-only queries behind the status API, each on its own short-lived connection.</summary>
internal sealed class StatusQueries(ConductorDatabase database, Dispatcher dispatcher, TimeProvider time)
{
    private const string IncidentSelect =
        $"""
        SELECT i.id, i.account, i.alarm_count, i.first_alarm_at, i.last_alarm_at, i.opened_at, j.id, j.state,
               (SELECT count(*) FROM alarms a WHERE a.incident_id = i.id AND a.state <> 'ALARM'),
               (SELECT sum({SubjectCosts.JobCost}) FROM jobs x WHERE x.incident_id = i.id AND x.launched_at IS NOT NULL)
        FROM incidents i LEFT JOIN jobs j ON j.incident_id = i.id
        """;

    public Dictionary<string, long> JobsByState()
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        Read("SELECT state, count(*) FROM jobs GROUP BY state", [], r => counts[r.GetString(0)] = r.GetInt64(1));
        return counts;
    }

    public List<JobView> Jobs(string? state, string? kind, int limit)
    {
        var jobs = new List<JobView>();
        var filters = new List<string>();
        if (state is not null)
        {
            filters.Add("j.state = @state");
        }

        if (kind is not null)
        {
            filters.Add("j.kind = @kind");
        }

        var queue = QueueLazily();
        var now = time.GetUtcNow();
        Read(
            $"{JobView.Select} {(filters.Count == 0 ? "" : "WHERE " + string.Join(" AND ", filters))} ORDER BY j.created_at DESC, j.id DESC LIMIT @limit",
            [("@state", state), ("@kind", kind), ("@limit", limit)],
            r => jobs.Add(JobView.From(r, now, queue.Value)));
        return jobs;
    }

    public JobView? Job(string id)
    {
        JobView? job = null;
        var queue = QueueLazily();
        var now = time.GetUtcNow();
        Read($"{JobView.Select} WHERE j.id = CAST(@id AS TEXT)", [("@id", id)], r => job = JobView.From(r, now, queue.Value));
        return job;
    }

    public JobDetailView? JobDetail(string id)
    {
        if (Job(id) is not { } job)
        {
            return null;
        }

        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        var details = JobDetailsReader.Read(db, id);
        return new JobDetailView(
            job,
            details?.Ticket is { } ticket ? TicketView.From(ticket) : null,
            details is { Kind: JobKinds.Incident } ? [.. details.Alarms.Select(AlarmView.From)] : null,
            ReadResult(db, id),
            ReadEvents(db, id),
            job.TicketKey is { } key ? SubjectCosts.Read(db, "ticket_key", key, time.GetUtcNow())
                : job.IncidentId is { } incidentId ? SubjectCosts.Read(db, "incident_id", incidentId, time.GetUtcNow()) : null);
    }

    /// <summary>Pending jobs in the order the dispatcher takes them, each with why it waits.</summary>
    public List<QueueEntryView> Queue(int limit)
    {
        var positions = dispatcher.QueuePositions();
        var byId = positions.ToDictionary(p => p.JobId, StringComparer.Ordinal);
        var now = time.GetUtcNow();
        var jobs = new Dictionary<string, JobView>(StringComparer.Ordinal);
        Read($"{JobView.Select} WHERE j.state = 'pending'", [], r =>
        {
            var job = JobView.From(r, now, byId);
            jobs[job.Id] = job;
        });
        return [.. positions.Take(limit).Where(p => jobs.ContainsKey(p.JobId)).Select(p => new QueueEntryView(p.Position, ApiNames.Of(p.Reason), p.Detail, jobs[p.JobId]))];
    }

    public LogPageView? Logs(string id, long after, int limit)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        if (db.QueryString("SELECT state FROM jobs WHERE id = CAST(@id AS TEXT)", ("@id", id)) is not { } state)
        {
            return null;
        }

        var lines = new List<LogLineView>();
        using (var r = db.Query(
            "SELECT seq, at, worker_at, stream, text, truncated FROM job_logs WHERE job_id = CAST(@id AS TEXT) AND seq > @after ORDER BY seq LIMIT @limit",
            ("@id", id), ("@after", after), ("@limit", limit)))
        {
            while (r.Read())
            {
                lines.Add(new LogLineView(r.GetInt64(0), UnixTime.FromMs(r.GetInt64(1)), UnixTime.FromMs(r.GetInt64OrNull(2)), r.GetString(3), r.GetString(4), r.GetInt64(5) != 0));
            }
        }

        return new LogPageView(id, state, JobStates.IsTerminal(JobStates.Parse(state)), lines, lines.Count > 0 ? lines[^1].Seq : after);
    }

    public List<IncidentView> Incidents(int limit)
    {
        var incidents = new List<IncidentView>();
        Read(
            $"{IncidentSelect} WHERE i.merged_into IS NULL ORDER BY i.first_alarm_at DESC LIMIT @limit",
            [("@limit", limit), ("@now", UnixTime.ToMs(time.GetUtcNow()))],
            r => incidents.Add(ReadIncident(r)));
        return incidents;
    }

    public IncidentDetailView? Incident(long id)
    {
        IncidentView? incident = null;
        Read($"{IncidentSelect} WHERE i.id = @id", [("@id", id), ("@now", UnixTime.ToMs(time.GetUtcNow()))], r => incident = ReadIncident(r));
        if (incident is null)
        {
            return null;
        }

        var alarms = new List<AlarmView>();
        Read(
            "SELECT alarm_name, state, reason, description, region, alarm_arn, alarm_at FROM alarms WHERE incident_id = @id ORDER BY alarm_at, event_id LIMIT 1000",
            [("@id", id)],
            r => alarms.Add(new AlarmView(
                r.GetString(0), r.GetString(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetStringOrNull(4), r.GetStringOrNull(5), UnixTime.FromMs(r.GetInt64(6)))));
        return new IncidentDetailView(incident, alarms);
    }

    private static IncidentView ReadIncident(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetInt32(2), UnixTime.FromMs(r.GetInt64(3)), UnixTime.FromMs(r.GetInt64(4)),
        UnixTime.FromMs(r.GetInt64(5)), r.GetStringOrNull(6), r.GetStringOrNull(7), r.GetInt32(8), Usd.FromNanos(r.GetInt64OrNull(9)));

    private static ResultView? ReadResult(Statements db, string id)
    {
        using var r = db.Query(
            """
            SELECT status, pull_request_url, branch, head_commit, summary, summary_truncated, input_tokens, cached_input_tokens,
                   cache_write_input_tokens, output_tokens, reasoning_output_tokens, error_code, error_message, started_at, finished_at, reported_at
            FROM job_results WHERE job_id = @id
            """,
            ("@id", id));
        return r.Read()
            ? new ResultView(
                r.GetString(0), r.GetStringOrNull(1), r.GetStringOrNull(2), r.GetStringOrNull(3), r.GetStringOrNull(4), r.GetInt64(5) != 0,
                new TokenUsageView(r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), r.GetInt64(10)), r.GetStringOrNull(11), r.GetStringOrNull(12),
                UnixTime.FromMs(r.GetInt64OrNull(13)), UnixTime.FromMs(r.GetInt64OrNull(14)), UnixTime.FromMs(r.GetInt64(15)))
            : null;
    }

    /// <summary>The states the job entered, with its cancel request (which changes no state) in its place in time.</summary>
    private static List<JobEventView> ReadEvents(Statements db, string id)
    {
        var events = new List<JobEventView>();
        using (var r = db.Query("SELECT at, from_state, to_state, reason FROM job_events WHERE job_id = @id ORDER BY id", ("@id", id)))
        {
            while (r.Read())
            {
                events.Add(new JobEventView(UnixTime.FromMs(r.GetInt64(0)), "state", r.GetStringOrNull(1), r.GetString(2), r.GetStringOrNull(3)));
            }
        }

        using (var r = db.Query("SELECT cancel_requested_at, cancel_reason FROM jobs WHERE id = @id AND cancel_requested_at IS NOT NULL", ("@id", id)))
        {
            if (r.Read())
            {
                var at = UnixTime.FromMs(r.GetInt64(0));
                var request = new JobEventView(at, "cancel_requested", null, null, r.GetStringOrNull(1));
                var index = events.FindIndex(e => e.At > at);
                events.Insert(index < 0 ? events.Count : index, request);
            }
        }

        return events;
    }

    private Lazy<IReadOnlyDictionary<string, QueuePosition>> QueueLazily() =>
        new(() => dispatcher.QueuePositions().ToDictionary(p => p.JobId, StringComparer.Ordinal));

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
