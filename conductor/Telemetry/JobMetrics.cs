using System.Diagnostics.Metrics;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// The jobs engine's instruments (meter <c>AgentConductor.Jobs</c>): state transitions and the time from a job's message
/// to its launch and to its end, recorded by <see cref="JobWriter"/> as each change is written, and launches. Without a
/// listener a measurement costs one check; the durations read the job's message time only while someone listens.
/// </summary>
internal static class JobMetrics
{
    /// <summary>Bounds for waits of seconds to hours: a queue, a launch (an image pull, a Fargate start), an agent's run.</summary>
    public static readonly IReadOnlyList<double> JobDurationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800];

    private static readonly Meter Meter = new(TelemetryNames.JobsMeter);

    private static readonly Counter<long> Transitions = Meter.CreateCounter<long>(
        "agent_conductor.job.transitions", "{transition}", "Job state changes, by the state left (none for a new job) and the state entered");

    private static readonly Counter<long> Launches = Meter.CreateCounter<long>(
        "agent_conductor.launches", "{launch}", "Workers the launcher started, by launcher");

    private static readonly Counter<long> LaunchFailures = Meter.CreateCounter<long>(
        "agent_conductor.launch.failures", "{launch}", "Launches that started no worker, by launcher and whether they are tried again");

    private static readonly Histogram<double> MessageToLaunch = Meter.CreateHistogram(
        "agent_conductor.job.message_to_launch.duration", "s", "From receiving the message that created the job to each launch of its worker",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobDurationBuckets });

    private static readonly Histogram<double> MessageToResult = Meter.CreateHistogram(
        "agent_conductor.job.message_to_result.duration", "s", "From receiving the message that created the job to its end, by end state",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = JobDurationBuckets });

    /// <summary>Called by <see cref="JobWriter"/> in the transaction that moves the job into <paramref name="to"/>.</summary>
    public static void Entered(Statements db, string jobId, JobState? from, JobState to, long atMs)
    {
        Transitions.Add(1, new("from", from is { } f ? JobStates.ToName(f) : "none"), new("to", JobStates.ToName(to)));
        var histogram = to == JobState.Launched ? MessageToLaunch : JobStates.IsTerminal(to) ? MessageToResult : null;
        if (histogram is not { Enabled: true })
        {
            return;
        }

        using var reader = db.Query(
            "SELECT j.kind, e.received_at FROM jobs j JOIN events e ON e.id = j.decided_by_event_id WHERE j.id = CAST(@id AS TEXT)", ("@id", jobId));
        if (!reader.Read())
        {
            return;
        }

        var seconds = Math.Max(0, atMs - reader.GetInt64(1)) / 1000.0;
        var kind = new KeyValuePair<string, object?>("kind", reader.GetString(0));
        if (histogram == MessageToLaunch)
        {
            histogram.Record(seconds, kind);
        }
        else
        {
            histogram.Record(seconds, kind, new("state", JobStates.ToName(to)));
        }
    }

    public static void Launched(string launcher) => Launches.Add(1, new KeyValuePair<string, object?>("launcher", launcher));

    public static void LaunchFailed(string launcher, bool retryable) =>
        LaunchFailures.Add(1, new("launcher", launcher), new("retryable", retryable));
}
