using System.Diagnostics;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// The <c>job.schedule</c> root spans of the jobs one scheduler batch creates. Each starts as its job is written, a new
/// trace per job (linked to the intake's span, such as the HTTP request, when there is one); its traceparent is stored
/// on the job in the batch's transaction. The spans end when the batch commits, and are dropped unexported when it does
/// not: a trace never starts for a job that was never stored.
/// </summary>
internal sealed class JobTraceBatch
{
    private readonly List<Activity> _open = [];

    /// <summary>Starts the job's trace and stores its context on the job row (inside the caller's transaction).</summary>
    public void Begin(Statements db, string jobId, string kind, long eventId)
    {
        if (!JobTracing.Source.HasListeners())
        {
            return;
        }

        var current = Activity.Current;
        ActivityLink[]? links = current is null ? null : [new ActivityLink(current.Context)];
        Activity.Current = null;
        var activity = JobTracing.Source.StartActivity("job.schedule", ActivityKind.Internal, default(ActivityContext), links: links);
        Activity.Current = current;
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryNames.JobId, jobId);
        activity.SetTag(TelemetryNames.JobKind, kind);
        activity.SetTag(TelemetryNames.EventId, eventId);
        _open.Add(activity);
        db.Execute("UPDATE jobs SET trace_parent = @trace WHERE id = @id", ("@trace", activity.Id), ("@id", jobId));
    }

    /// <summary>The batch committed: its spans end and are exported.</summary>
    public void Committed() => End(export: true);

    /// <summary>Whatever is still open did not commit: dropped, never exported.</summary>
    public void Abandon() => End(export: false);

    private void End(bool export)
    {
        var current = Activity.Current;
        foreach (var activity in _open)
        {
            if (!export)
            {
                activity.IsAllDataRequested = false;
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            }

            activity.Stop();
        }

        _open.Clear();
        Activity.Current = current; // Stop() restores the activity's own predecessor, which is not the caller's
    }
}
