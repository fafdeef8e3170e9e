using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Reads job rows for the jobs engine and applies state changes, each in its own short transaction:
/// a conditional <see cref="JobWriter.TryMove"/> plus the column updates that belong to it.
/// </summary>
internal sealed class JobStore(ConductorDatabase database)
{
    private const string Columns =
        "id, kind, state, attempt, ticket_key, incident_id, account, project_key, created_at, " +
        "launch_attempts, next_launch_at, launched_at, launcher_ref, repository, last_seen_at, cancel_requested_at, cancel_reason, " +
        "clone_url, base_branch, parent_job_id, followup_seq, pull_request_url, coalesce_until, trace_parent";

    private static readonly string ActiveList = string.Join(", ", JobStates.Active.Select(s => $"'{JobStates.ToName(s)}'"));

    public IReadOnlyList<JobRecord> InStates(params JobState[] states) =>
        Read($"SELECT {Columns} FROM jobs WHERE state IN ({string.Join(", ", states.Select(s => $"'{JobStates.ToName(s)}'"))}) ORDER BY created_at, id");

    public IReadOnlyList<JobRecord> Active() => Read($"SELECT {Columns} FROM jobs WHERE state IN ({ActiveList}) ORDER BY created_at, id");

    public JobRecord? Find(string jobId) => Read($"SELECT {Columns} FROM jobs WHERE id = CAST(@id AS TEXT)", ("@id", jobId)).FirstOrDefault();

    /// <summary>
    /// Moves the job and, when it moved, applies <paramref name="set"/> (an SQL <c>SET</c> list over <c>jobs</c>,
    /// parameters named in <paramref name="parameters"/>) in the same transaction. False when the job had left <paramref name="from"/>.
    /// </summary>
    public bool Move(string jobId, JobState from, JobState to, string reason, DateTimeOffset at, string? set = null, params (string Name, object? Value)[] parameters) =>
        InTransaction(db =>
        {
            if (!new JobWriter(db).TryMove(jobId, from, to, reason, at))
            {
                return false;
            }

            if (set is not null)
            {
                db.Execute($"UPDATE jobs SET {set} WHERE id = @id", [.. parameters, ("@id", jobId)]);
            }

            return true;
        });

    /// <summary>Updates columns of a job only while it is in one of <paramref name="states"/>; false when it was not.</summary>
    public bool Update(string jobId, string set, JobState[] states, params (string Name, object? Value)[] parameters) =>
        InTransaction(db => db.Execute(
            $"UPDATE jobs SET {set} WHERE id = @id AND state IN ({string.Join(", ", states.Select(s => $"'{JobStates.ToName(s)}'"))})",
            [.. parameters, ("@id", jobId)]) > 0);

    public T InTransaction<T>(Func<Statements, T> work)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var db = new Statements(connection) { Transaction = transaction };
        var result = work(db);
        transaction.Commit();
        return result;
    }

    private List<JobRecord> Read(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        using var reader = db.Query(sql, parameters);
        var jobs = new List<JobRecord>();
        while (reader.Read())
        {
            jobs.Add(ToRecord(reader));
        }

        return jobs;
    }

    private static JobRecord ToRecord(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), JobStates.Parse(r.GetString(2)), r.GetInt32(3), r.GetStringOrNull(4), r.GetInt64OrNull(5),
            r.GetStringOrNull(6), r.GetStringOrNull(7), UnixTime.FromMs(r.GetInt64(8)))
        {
            LaunchAttempts = r.GetInt32(9),
            NextLaunchAt = UnixTime.FromMs(r.GetInt64OrNull(10)),
            LaunchedAt = UnixTime.FromMs(r.GetInt64OrNull(11)),
            LauncherRef = r.GetStringOrNull(12),
            Repository = r.GetStringOrNull(13),
            LastSeenAt = UnixTime.FromMs(r.GetInt64OrNull(14)),
            CancelRequestedAt = UnixTime.FromMs(r.GetInt64OrNull(15)),
            CancelReason = r.GetStringOrNull(16),
            CloneUrl = r.GetStringOrNull(17),
            BaseBranch = r.GetStringOrNull(18),
            ParentJobId = r.GetStringOrNull(19),
            FollowUpSequence = r.IsDBNull(20) ? null : r.GetInt32(20),
            PullRequestUrl = r.GetStringOrNull(21),
            CoalesceUntil = UnixTime.FromMs(r.GetInt64OrNull(22)),
            TraceParent = r.GetStringOrNull(23),
        };
}
