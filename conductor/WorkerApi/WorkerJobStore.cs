using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// The worker API's reads and writes. Writes go through <see cref="GroupCommitWriter"/> (many workers' writes share one
/// transaction, each completes once committed); state changes go through <see cref="JobWriter"/>.
/// </summary>
internal sealed class WorkerJobStore(ConductorDatabase database, GroupCommitWriter writer)
{
    private const string JobColumns = "SELECT id, state, token_hash, cancel_requested_at, cancel_reason, branch, attempt FROM jobs";

    public WorkerJob? Find(string jobId) => Read(db => ReadJob(db, $"{JobColumns} WHERE id = CAST(@v AS TEXT)", jobId));

    public WorkerJob? FindByTokenHash(byte[] hash) => Read(db => ReadJob(db, $"{JobColumns} WHERE token_hash = @v", hash));

    public JobDetails? ReadDetails(string jobId) => Read(db => JobDetailsReader.Read(db, jobId));

    /// <summary>The prices and caps fixed when the job was launched; null for a job launched without them.</summary>
    public JobPricing? ReadPricing(string jobId) => Read(db => JobPricing.Read(db, jobId));

    /// <summary>Moves <c>launched -> connected</c> and records the worker; false when the job was no longer launched.</summary>
    public Task<bool> ConnectAsync(string jobId, int attempt, string workerVersion, string branch, DateTimeOffset at) => writer.WriteAsync(db =>
    {
        if (!new JobWriter(db).TryMove(jobId, JobState.Launched, JobState.Connected, $"worker {workerVersion} connected (attempt {attempt})", at))
        {
            return false;
        }

        db.Execute(
            """
            UPDATE jobs SET worker_version = CAST(@version AS TEXT), branch = CAST(@branch AS TEXT), connected_at = @at,
                last_heartbeat_at = @at, last_seen_at = @at WHERE id = @id
            """,
            ("@version", workerVersion), ("@branch", branch), ("@at", UnixTime.ToMs(at)), ("@id", jobId));
        return true;
    });

    /// <summary>
    /// A heartbeat in one write, authorised in the same transaction: when the job exists, <paramref name="token"/> is its
    /// token and it is connected or running, records the heartbeat, moves <c>connected -> running</c> when
    /// <paramref name="working"/>, and returns the job afterwards. Otherwise writes nothing and returns null.
    /// </summary>
    public Task<HeartbeatOutcome?> TryHeartbeatAsync(string jobId, string token, string phase, string step, bool working, DateTimeOffset at) => writer.WriteAsync(db =>
    {
        var job = ReadJob(db, $"{JobColumns} WHERE id = CAST(@v AS TEXT)", jobId);
        if (job is null || !JobTokens.Matches(token, job.TokenHash) || job.State is not (JobState.Connected or JobState.Running))
        {
            return null;
        }

        db.Execute(
            "UPDATE jobs SET last_heartbeat_at = @at, last_seen_at = @at, worker_phase = CAST(@phase AS TEXT), current_step = CAST(@step AS TEXT) WHERE id = @id",
            ("@at", UnixTime.ToMs(at)), ("@phase", phase), ("@step", step), ("@id", jobId));
        var started = working && job.State == JobState.Connected
            && new JobWriter(db).TryMove(jobId, JobState.Connected, JobState.Running, $"worker reports {phase}", at);
        return new HeartbeatOutcome(started ? job with { State = JobState.Running } : job, started);
    });

    /// <summary>
    /// Writes heartbeats answered from memory, each only while its job is still running under the token it came with, and
    /// reads back the state of <paramref name="jobIds"/>; one write, so all of it is one transaction.
    /// </summary>
    public Task<Dictionary<string, BoardedJobState>> FlushHeartbeatsAsync(IReadOnlyList<PendingHeartbeat> heartbeats, IReadOnlyCollection<string> jobIds) => writer.WriteAsync(db =>
    {
        foreach (var heartbeat in heartbeats)
        {
            db.Execute(
                """
                UPDATE jobs SET last_heartbeat_at = max(coalesce(last_heartbeat_at, 0), @at), last_seen_at = max(coalesce(last_seen_at, 0), @at),
                    worker_phase = CAST(@phase AS TEXT), current_step = CAST(@step AS TEXT)
                WHERE id = @id AND state = 'running' AND token_hash = @hash
                """,
                ("@at", UnixTime.ToMs(heartbeat.At)), ("@phase", heartbeat.Phase), ("@step", heartbeat.Step), ("@id", heartbeat.JobId), ("@hash", heartbeat.TokenHash));
        }

        var states = new Dictionary<string, BoardedJobState>(jobIds.Count, StringComparer.Ordinal);
        foreach (var jobId in jobIds)
        {
            if (ReadJob(db, $"{JobColumns} WHERE id = CAST(@v AS TEXT)", jobId) is { } job)
            {
                states[jobId] = new BoardedJobState(job.State == JobState.Running, job.TokenHash, new CancelState(job.CancelRequestedAt, job.CancelReason));
            }
        }

        return states;
    });

    /// <summary>
    /// Appends rows to <c>job_logs</c> after the job's last one, adds the batch's tokens to the job and their cost to
    /// today's spend, and records a budget stop. The job's tokens are its turns' totals until its worker reports model
    /// requests; from then on they are the requests' (the proxy's count replaces Codex's, once).
    /// </summary>
    public Task<bool> AppendProgressAsync(string jobId, IReadOnlyList<LogRow> rows, ProgressTally usage, DateTimeOffset at) => writer.WriteAsync(db =>
    {
        var seq = db.QueryLong("SELECT max(seq) FROM job_logs WHERE job_id = @id", ("@id", jobId)) ?? 0;
        var atMs = UnixTime.ToMs(at);
        foreach (var row in rows)
        {
            db.Execute(
                """
                INSERT INTO job_logs (job_id, seq, at, worker_at, stream, text, truncated)
                VALUES (@id, @seq, @at, @workerAt, @stream, CAST(@text AS TEXT), @truncated)
                """,
                ("@id", jobId), ("@seq", ++seq), ("@at", atMs), ("@workerAt", row.WorkerAt is { } w ? UnixTime.ToMs(w) : null),
                ("@stream", row.Stream), ("@text", row.Text), ("@truncated", row.Truncated ? 1 : 0));
        }

        if (usage.Turns != default || usage.Metered)
        {
            var (before, metered, ended) = ReadTokens(db, jobId);
            var after = usage.Metered ? (metered ? before : default) + usage.Requests : metered ? before : before + usage.Turns;
            db.Execute(
                """
                UPDATE jobs SET input_tokens = @in, cached_input_tokens = @cached, cache_write_input_tokens = @cacheWrite,
                    output_tokens = @out, reasoning_output_tokens = @reasoning, metered = metered | @metered WHERE id = @id
                """,
                ("@in", after.Input), ("@cached", after.CachedInput), ("@cacheWrite", after.CacheWriteInput), ("@out", after.Output),
                ("@reasoning", after.Reasoning), ("@metered", usage.Metered ? 1 : 0), ("@id", jobId));
            if (!ended)
            {
                // Once the result is in, its usage is the job's (and its spend); progress that arrives late changes neither.
                JobSpend.AddTokens(db, jobId, before, after, at);
            }
        }

        if (usage.BudgetStop is { } stop)
        {
            new JobWriter(db).RecordBudgetStop(jobId, stop, at);
        }

        return true;
    });

    /// <summary>Moves the job from <paramref name="from"/> to the result's state and stores the result; false when the job moved meanwhile.</summary>
    /// <remarks>
    /// The result's usage becomes the job's: the difference to what progress counted is added to today's spend. A
    /// <c>budget_exceeded</c> result records the budget stop first (unless the worker reported it while running), so the
    /// stop's notification comes before the job's end.
    /// </remarks>
    public Task<bool> StoreResultAsync(string jobId, JobState from, WorkerResult result, DateTimeOffset at) => writer.WriteAsync(db =>
    {
        var reason = result.ErrorCode is { } code ? $"worker reported {result.Key.Status}: {code}" : $"worker reported {result.Key.Status}";
        var jobs = new JobWriter(db);
        if (db.QueryString("SELECT state FROM jobs WHERE id = CAST(@id AS TEXT)", ("@id", jobId)) != JobStates.ToName(from))
        {
            return false;
        }

        if (result.Target == JobState.BudgetExceeded)
        {
            var stop = TaskFiles.UntrustedText.Inline(result.ErrorMessage, 500);
            jobs.RecordBudgetStop(jobId, stop.Length > 0 ? stop : "the worker stopped the run at the job's budget", at);
        }

        if (!jobs.TryMove(jobId, from, result.Target, reason, at))
        {
            return false;
        }

        JobSpend.AddTokens(db, jobId, ReadTokens(db, jobId).Tokens, result.Usage, at);

        db.Execute(
            """
            INSERT INTO job_results (job_id, status, pull_request_url, branch, head_commit, summary, summary_truncated, input_tokens,
                cached_input_tokens, cache_write_input_tokens, output_tokens, reasoning_output_tokens, error_code, error_message, started_at,
                finished_at, reported_at)
            VALUES (@id, @status, CAST(@pr AS TEXT), CAST(@branch AS TEXT), CAST(@head AS TEXT), CAST(@summary AS TEXT), @truncated,
                @in, @cached, @cacheWrite, @out, @reasoning, CAST(@code AS TEXT), CAST(@message AS TEXT), @started, @finished, @at)
            """,
            ("@id", jobId), ("@status", result.Key.Status), ("@pr", result.Key.PullRequestUrl), ("@branch", result.Key.Branch),
            ("@head", result.Key.HeadCommit), ("@summary", result.Summary), ("@truncated", result.SummaryTruncated ? 1 : 0),
            ("@in", result.Usage.Input), ("@cached", result.Usage.CachedInput), ("@cacheWrite", result.Usage.CacheWriteInput),
            ("@out", result.Usage.Output), ("@reasoning", result.Usage.Reasoning),
            ("@code", result.ErrorCode), ("@message", result.ErrorMessage), ("@started", ToMs(result.StartedAt)), ("@finished", ToMs(result.FinishedAt)),
            ("@at", UnixTime.ToMs(at)));
        return true;
    });

    public StoredResult? ReadResult(string jobId) => Read(db =>
    {
        using var reader = db.Query("SELECT status, pull_request_url, branch, head_commit FROM job_results WHERE job_id = @id", ("@id", jobId));
        return reader.Read() ? new StoredResult(reader.GetString(0), reader.GetStringOrNull(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3)) : null;
    });

    private static long? ToMs(DateTimeOffset? at) => at is { } value ? UnixTime.ToMs(value) : null;

    /// <summary>The tokens summed from progress, whether they are the proxy's count, and whether a result is in.</summary>
    private static (TokenCounts Tokens, bool Metered, bool Ended) ReadTokens(Statements db, string jobId)
    {
        using var r = db.Query(
            """
            SELECT input_tokens, cached_input_tokens, cache_write_input_tokens, output_tokens, reasoning_output_tokens, metered,
                   EXISTS (SELECT 1 FROM job_results WHERE job_id = jobs.id)
            FROM jobs WHERE id = CAST(@id AS TEXT)
            """,
            ("@id", jobId));
        return r.Read()
            ? (new TokenCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(3), r.GetInt64(4), r.GetInt64(2)), r.GetInt64(5) != 0, r.GetBoolean(6))
            : (default, false, true);
    }

    private static WorkerJob? ReadJob(Statements db, string sql, object value)
    {
        using var reader = db.Query(sql, ("@v", value));
        return reader.Read()
            ? new WorkerJob(
                reader.GetString(0), JobStates.Parse(reader.GetString(1)), reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2),
                UnixTime.FromMs(reader.GetInt64OrNull(3)), reader.GetStringOrNull(4), reader.GetStringOrNull(5), reader.GetInt32(6))
            : null;
    }

    private T Read<T>(Func<Statements, T> read)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return read(db);
    }
}
