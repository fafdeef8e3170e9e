using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Writes an event and its deliveries into the outbox inside the caller's transaction (the one that changes the job), so
/// a notification exists exactly when its change committed. Which destinations take it comes from
/// <c>notify_destinations</c> (written from the settings at startup); with none configured nothing is written. The
/// event's id is fixed here, so every attempt of every delivery carries the same one.
/// </summary>
internal static class NotifyOutbox
{
    // A destination takes the event when it takes its type and, for Jira, the job has a ticket.
    private const string Takes =
        """
        FROM notify_destinations d JOIN jobs j ON j.id = @job
        WHERE (d.ticket_jobs_only = 0 OR j.kind = 'ticket')
          AND (d.events IS NULL OR EXISTS (SELECT 1 FROM json_each(d.events) e WHERE e.value = @type))
        """;

    /// <summary>Records a state change (called by <see cref="JobWriter"/> for every <c>job_events</c> row).</summary>
    public static void StateChanged(Statements db, string jobId, long jobEventId, JobState? from, JobState to, string reason, long atMs) =>
        Append(db, jobId, jobEventId, NotifyEventTypes.ForState(to), from is { } f ? JobStates.ToName(f) : null, JobStates.ToName(to), reason, atMs);

    /// <summary>Records that a run was stopped at its spending cap (no state change of its own; the job then ends as it ends).</summary>
    public static void BudgetStopped(Statements db, string jobId, string reason, long atMs) =>
        Append(db, jobId, null, NotifyEventTypes.BudgetStopped, null, null, reason, atMs);

    private static void Append(Statements db, string jobId, long? jobEventId, string type, string? from, string? to, string reason, long atMs)
    {
        var id = "evt_" + JobIds.New(UnixTime.FromMs(atMs));
        var stored = db.Execute(
            $"""
            INSERT INTO notify_events (id, job_id, job_event_id, type, from_state, to_state, reason, at)
            SELECT @id, @job, @jobEvent, @type, @from, @to, CAST(@reason AS TEXT), @at
            WHERE EXISTS (SELECT 1 {Takes})
            """,
            ("@id", id), ("@job", jobId), ("@jobEvent", jobEventId), ("@type", type), ("@from", from), ("@to", to), ("@reason", reason), ("@at", atMs));
        if (stored == 0)
        {
            return;
        }

        db.Execute(
            $"INSERT INTO notify_deliveries (event_id, destination, due_at, created_at) SELECT @id, d.name, @at, @at {Takes}",
            ("@id", id), ("@at", atMs), ("@job", jobId), ("@type", type));
    }
}
