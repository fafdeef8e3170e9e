using System.Diagnostics;
using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// One trace per job: <c>job.schedule</c> is its root (<see cref="JobTraceBatch"/>), and every later span of the job
/// (<c>job.launch</c>, <c>job.reconcile</c>) starts under the root's context as stored in <c>jobs.trace_parent</c>, so a
/// restarted conductor continues the same trace. Without a listener (no OTLP endpoint) nothing is created.
/// </summary>
internal static class JobTracing
{
    public static readonly ActivitySource Source = new(TelemetryNames.ActivitySource, typeof(JobTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Starts <paramref name="name"/> as the current activity, a child of the job's stored context; a job without one
    /// (created while tracing was off) gets a trace of its own for this span.
    /// </summary>
    public static Activity? StartJobSpan(string name, string? traceParent, string jobId, string kind)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var previous = Activity.Current;
        if (parent == default)
        {
            Activity.Current = null; // a root, not a child of whatever request or loop happens to be current
        }

        var activity = Source.StartActivity(name, ActivityKind.Internal, parent);
        if (activity is null)
        {
            Activity.Current = previous;
            return null;
        }

        activity.SetTag(TelemetryNames.JobId, jobId);
        activity.SetTag(TelemetryNames.JobKind, kind);
        return activity;
    }

    /// <summary>
    /// A decision about a job as a short span of the job's trace: <c>job.dispatch</c> or <c>job.reconcile</c> with the
    /// state the job was in and what was decided (the state it moved to, or <c>cancel_requested</c>).
    /// </summary>
    public static void Decision(string name, JobRecord job, string decision)
    {
        var previous = Activity.Current;
        using (var activity = StartJobSpan(name, job.TraceParent, job.Id, job.Kind))
        {
            activity?.SetTag(TelemetryNames.FromState, JobStates.ToName(job.State));
            activity?.SetTag(TelemetryNames.Decision, decision);
        }

        Activity.Current = previous;
    }
}
