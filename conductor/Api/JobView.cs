using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// A job as the API shows it, in the job list and on its own alike: the jobs row, the repository, branch, commit and pull
/// request, the worker's live phase and step, token usage, durations computed from the stored times, the cancel request,
/// why a pending job waits, and the archive. Never carries a token or its hash.
/// </summary>
/// <param name="Title">The ticket's summary, or the incident and its first alarm; for a follow-up "Follow-up N on pull request
/// #M: " and its parent's title. Untrusted text.</param>
/// <param name="Phase">What the worker last reported doing (<c>cloning</c>, <c>running_agent</c> ...); null before it said.</param>
/// <param name="DurationMs">From creation to the end, or to now while the job has not ended.</param>
/// <param name="RunMs">From the worker's connection to the end (or now); null when no worker connected.</param>
/// <param name="Usage">Tokens the worker reported in its result, else the sum of its progress so far.</param>
/// <param name="WaitReason">For a pending job: its place in the queue and why it waits.</param>
/// <param name="Cost">What it has cost so far (a running job's spend so far).</param>
/// <param name="Budget">Its own caps and its stop at one.</param>
/// <param name="ParentJobId">A follow-up's parent: the job that opened the pull request (its lineage is on the job's own page).</param>
/// <param name="FollowUpSequence">A follow-up's number among its parent's follow-ups (1, 2 ...).</param>
internal sealed record JobView(
    string Id, string Kind, string State, string? StateReason, int Attempt, string Title, string? TicketKey, long? IncidentId,
    string? Account, string? ProjectKey, string? Repository, string? Branch, string? Commit, string? PullRequestUrl,
    string? Phase, string? Step, string? WorkerVersion, int LaunchAttempts,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LaunchedAt, DateTimeOffset? ConnectedAt,
    DateTimeOffset? LastHeartbeatAt, DateTimeOffset? EndedAt, long DurationMs, long? RunMs, TokenUsageView Usage,
    DateTimeOffset? CancelRequestedAt, string? CancelReason, WaitView? WaitReason, JobArchiveView? Archive, JobCostView Cost, JobBudgetView Budget,
    string? ParentJobId = null, int? FollowUpSequence = null)
{
    public const string Select =
        $"""
        SELECT j.id, j.kind, j.state, j.state_reason, j.attempt, j.ticket_key, j.incident_id, j.account, j.project_key,
               j.repository, coalesce(r.branch, j.branch), r.head_commit, r.pull_request_url, j.worker_phase, j.current_step,
               j.worker_version, j.launch_attempts, j.created_at, j.updated_at, j.launched_at, j.connected_at, j.last_heartbeat_at,
               r.job_id IS NOT NULL, coalesce(r.input_tokens, j.input_tokens), coalesce(r.cached_input_tokens, j.cached_input_tokens),
               coalesce(r.cache_write_input_tokens, j.cache_write_input_tokens), coalesce(r.output_tokens, j.output_tokens),
               coalesce(r.reasoning_output_tokens, j.reasoning_output_tokens),
               j.cancel_requested_at, j.cancel_reason, t.summary,
               (SELECT al.alarm_name FROM alarms al WHERE al.incident_id = coalesce(p.incident_id, j.incident_id) AND al.state = 'ALARM' ORDER BY al.alarm_at, al.event_id LIMIT 1),
               j.parent_job_id, j.followup_seq, j.pull_request_number, p.ticket_key, p.incident_id, p.account,
               {JobArchiveView.Columns}, {JobCostView.Columns}
        FROM jobs j
        LEFT JOIN job_results r ON r.job_id = j.id
        LEFT JOIN jobs p ON p.id = j.parent_job_id
        LEFT JOIN tickets t ON t.key = coalesce(p.ticket_key, j.ticket_key)
        LEFT JOIN job_archives a ON a.job_id = j.id
        """;

    private const int ArchiveOrdinal = 38;

    private const int CostOrdinal = ArchiveOrdinal + 6;

    public static JobView From(SqliteDataReader r, DateTimeOffset now, IReadOnlyDictionary<string, QueuePosition> queue)
    {
        var id = r.GetString(0);
        var state = JobStates.Parse(r.GetString(2));
        var createdAt = UnixTime.FromMs(r.GetInt64(17));
        var updatedAt = UnixTime.FromMs(r.GetInt64(18));
        var connectedAt = UnixTime.FromMs(r.GetInt64OrNull(20));
        DateTimeOffset? endedAt = JobStates.IsTerminal(state) ? updatedAt : null;
        var end = endedAt ?? now;
        var (ticketKey, incidentId, account) = (r.GetStringOrNull(5), r.GetInt64OrNull(6), r.GetStringOrNull(7));
        var (parentJobId, sequence) = (r.GetStringOrNull(32), r.IsDBNull(33) ? (int?)null : r.GetInt32(33));
        var title = parentJobId is null
            ? SubjectTitle(r, ticketKey, incidentId, account)
            : $"Follow-up {sequence} on pull request #{(r.IsDBNull(34) ? "?" : r.GetInt32(34).ToString(System.Globalization.CultureInfo.InvariantCulture))}: "
              + SubjectTitle(r, r.GetStringOrNull(35), r.GetInt64OrNull(36), r.GetStringOrNull(37));
        return new JobView(
            id, r.GetString(1), JobStates.ToName(state), r.GetStringOrNull(3), r.GetInt32(4), title, ticketKey, incidentId, account, r.GetStringOrNull(8),
            r.GetStringOrNull(9), r.GetStringOrNull(10), r.GetStringOrNull(11), r.GetStringOrNull(12),
            r.GetStringOrNull(13) is { } phase ? ApiNames.Snake(phase) : null, r.GetStringOrNull(14) is { Length: > 0 } step ? step : null,
            r.GetStringOrNull(15), r.GetInt32(16),
            createdAt, updatedAt, UnixTime.FromMs(r.GetInt64OrNull(19)), connectedAt, UnixTime.FromMs(r.GetInt64OrNull(21)), endedAt,
            Math.Max(0, (long)(end - createdAt).TotalMilliseconds), connectedAt is { } connected ? Math.Max(0, (long)(end - connected).TotalMilliseconds) : null,
            new TokenUsageView(r.GetInt64(23), r.GetInt64(24), r.GetInt64(25), r.GetInt64(26), r.GetInt64(27)),
            UnixTime.FromMs(r.GetInt64OrNull(28)), r.GetStringOrNull(29),
            state == JobState.Pending && queue.TryGetValue(id, out var wait) ? new WaitView(wait.Position, ApiNames.Of(wait.Reason), wait.Detail) : null,
            JobArchiveView.From(r, ArchiveOrdinal),
            JobCostView.From(r, CostOrdinal, state, now),
            JobBudgetView.From(r, CostOrdinal),
            parentJobId,
            sequence);
    }

    /// <summary>The ticket's summary (or key), or the incident and its first alarm: of the job itself, or of a follow-up's parent.</summary>
    private static string SubjectTitle(SqliteDataReader r, string? ticketKey, long? incidentId, string? account) => ticketKey is not null
        ? Inline(r.GetStringOrNull(30)) is { Length: > 0 } summary ? summary : ticketKey
        : $"Incident {incidentId} in account {account}: {(Inline(r.GetStringOrNull(31)) is { Length: > 0 } alarm ? alarm : "alarm")}";

    private static string Inline(string? text) => TaskFiles.UntrustedText.Inline(text);
}

/// <summary>Tokens a job used, as Codex counts them: input includes cached and cache-write input; output includes reasoning.</summary>
internal sealed record TokenUsageView(long InputTokens, long CachedInputTokens, long CacheWriteInputTokens, long OutputTokens, long ReasoningOutputTokens);

/// <summary>A pending job's place in the queue (1 = next), why it waits (<c>ready</c>, <c>max_active</c>, <c>backoff</c> ...) and that in words.</summary>
internal sealed record WaitView(int Position, string Reason, string Detail);

/// <summary>One entry of a job's audit trail: a state it entered (<c>from</c> -> <c>to</c>), or a cancel request (<c>to</c> null).</summary>
internal sealed record JobEventView(DateTimeOffset At, string Event, string? From, string? To, string? Reason);

/// <summary>An incident; <c>cost</c> is what its jobs cost so far (USD; null before one was launched).</summary>
internal sealed record IncidentView(
    long IncidentId, string Account, int Alarms, DateTimeOffset FirstAt, DateTimeOffset LastAt, DateTimeOffset OpenedAt,
    string? JobId, string? JobState, int ContextAlarms, decimal? Cost);
