using System.Diagnostics;
using System.Diagnostics.Metrics;
using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// The worker API's instruments (meter <c>AgentConductor.WorkerApi</c>): heartbeat handling time and reported tokens;
/// and the job id on the span of each worker call whose token proved it (the span comes from the ASP.NET Core
/// instrumentation, parented by the worker's <c>traceparent</c>).
/// </summary>
internal static class WorkerApiTelemetry
{
    public static readonly IReadOnlyList<double> HeartbeatBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    private static readonly Meter Meter = new(TelemetryNames.WorkerApiMeter);

    private static readonly Histogram<double> HeartbeatDuration = Meter.CreateHistogram(
        "agent_conductor.heartbeat.duration", "s", "Time to answer a worker's heartbeat, by where the answer came from (memory or database)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HeartbeatBuckets });

    private static readonly Counter<long> Tokens = Meter.CreateCounter<long>(
        "agent_conductor.tokens", "{token}", "Tokens in the usage of reported results, by type; input includes cached and cache_write, output includes reasoning");

    /// <summary>Tags the current worker call's span with the job its token belongs to.</summary>
    public static void Authenticated(string jobId) => Activity.Current?.SetTag(TelemetryNames.JobId, jobId);

    /// <param name="answeredFrom"><c>memory</c> (the heartbeat board) or <c>database</c>.</param>
    public static void HeartbeatAnswered(string jobId, string answeredFrom, TimeSpan elapsed)
    {
        Authenticated(jobId);
        HeartbeatDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("answered_from", answeredFrom));
    }

    /// <summary>Counts the usage of a result once it is stored.</summary>
    public static void ResultStored(TokenCounts usage)
    {
        Add(usage.Input, "input");
        Add(usage.CachedInput, "cached");
        Add(usage.CacheWriteInput, "cache_write");
        Add(usage.Output, "output");
        Add(usage.Reasoning, "reasoning");
    }

    private static void Add(long tokens, string type)
    {
        if (tokens > 0)
        {
            Tokens.Add(tokens, new KeyValuePair<string, object?>("type", type));
        }
    }
}
