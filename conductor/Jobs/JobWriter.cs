using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Notify;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.Telemetry;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Writes job rows inside the caller's transaction. Every state change is a conditional update
/// (<c>WHERE state = @from</c>) checked against <see cref="JobStates"/> and appends a <c>job_events</c> row, and the
/// notifications of the change (<see cref="NotifyOutbox"/>) in the same transaction. A move that ends a launched
/// attempt also records its worker's time (<see cref="JobSpend.EndAttempt"/>), so every way to end a job counts it.
/// </summary>
internal sealed class JobWriter(Statements db)
{
    /// <summary>Where a new job's trace starts (the scheduler's batch); null: the job gets no trace context.</summary>
    public JobTraceBatch? Traces { get; init; }

    public string CreatePending(JobSeed seed, long eventId, DateTimeOffset at)
    {
        var id = JobIds.New(at);
        var atMs = UnixTime.ToMs(at);
        var followUp = seed.FollowUp;
        db.Execute(
            """
            INSERT INTO jobs (id, kind, state, attempt, ticket_key, incident_id, account, project_key, decided_by_event_id, created_at, updated_at,
                              parent_job_id, followup_seq, pull_request_url, pull_request_number, branch, clone_url, base_branch, coalesce_until)
            VALUES (@id, @kind, 'pending', 1, @ticket, @incident, @account, @project, @event, @at, @at,
                    @parent, @seq, CAST(@pr AS TEXT), @number, CAST(@branch AS TEXT), CAST(@clone AS TEXT), CAST(@base AS TEXT), @until)
            """,
            ("@id", id), ("@kind", seed.Kind), ("@ticket", seed.TicketKey), ("@incident", seed.IncidentId),
            ("@account", seed.Account), ("@project", seed.ProjectKey), ("@event", eventId), ("@at", atMs),
            ("@parent", followUp?.ParentJobId), ("@seq", followUp?.Sequence), ("@pr", followUp?.PullRequestUrl), ("@number", followUp?.PullRequestNumber),
            ("@branch", followUp?.Branch), ("@clone", followUp?.CloneUrl), ("@base", followUp?.BaseBranch),
            ("@until", followUp is null ? null : UnixTime.ToMs(followUp.CoalesceUntil)));
        AppendEvent(id, atMs, null, JobState.Pending, seed.Reason, eventId);
        Traces?.Begin(db, id, seed.Kind, eventId);
        return id;
    }

    /// <summary>Moves a job from <paramref name="from"/> to <paramref name="to"/>; false when it was no longer in <paramref name="from"/>.</summary>
    public bool TryMove(string jobId, JobState from, JobState to, string reason, DateTimeOffset at, long? eventId = null)
    {
        if (!JobStates.CanMove(from, to))
        {
            throw new InvalidOperationException($"A job cannot move from {JobStates.ToName(from)} to {JobStates.ToName(to)}.");
        }

        var atMs = UnixTime.ToMs(at);
        var changed = db.Execute(
            "UPDATE jobs SET state = @to, state_reason = CAST(@reason AS TEXT), updated_at = @at WHERE id = @id AND state = @from",
            ("@to", JobStates.ToName(to)), ("@reason", reason), ("@at", atMs), ("@id", jobId), ("@from", JobStates.ToName(from)));
        if (changed == 0)
        {
            return false;
        }

        if (JobStates.HasWorker(from) && JobStates.IsTerminal(to))
        {
            JobSpend.EndAttempt(db, jobId, at);
        }

        AppendEvent(jobId, atMs, from, to, reason, eventId);
        return true;
    }

    /// <summary>
    /// Records that the job's run was stopped at its spending cap: no state change, but the stop on the job and a notification
    /// (<c>job.budget_stopped</c>). Only the first stop of a job is recorded; false for a repeat.
    /// </summary>
    public bool RecordBudgetStop(string jobId, string reason, DateTimeOffset at)
    {
        var atMs = UnixTime.ToMs(at);
        if (db.Execute(
            "UPDATE jobs SET budget_stopped_at = @at, budget_stop_reason = CAST(@reason AS TEXT) WHERE id = @id AND budget_stopped_at IS NULL",
            ("@at", atMs), ("@reason", reason), ("@id", jobId)) == 0)
        {
            return false;
        }

        NotifyOutbox.BudgetStopped(db, jobId, reason, atMs);
        return true;
    }

    private void AppendEvent(string jobId, long atMs, JobState? from, JobState to, string reason, long? eventId)
    {
        var jobEventId = db.QueryLong(
            "INSERT INTO job_events (job_id, at, from_state, to_state, reason, event_id) VALUES (@job, @at, @from, @to, CAST(@reason AS TEXT), @event) RETURNING id",
            ("@job", jobId), ("@at", atMs), ("@from", from is { } f ? JobStates.ToName(f) : null),
            ("@to", JobStates.ToName(to)), ("@reason", reason), ("@event", eventId))!.Value;
        NotifyOutbox.StateChanged(db, jobId, jobEventId, from, to, reason, atMs);
        JobMetrics.Entered(db, jobId, from, to, atMs);
    }
}
