using AgentConductor.Conductor.Jobs;
using AgentConductor.TestSupport.Otlp;
using AgentConductor.TestSupport.Otlp.Wire;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>The conductor's metrics as they arrive over OTLP after one job, and after failed launches.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class JobMetricsTests
{
    [Fact]
    public async Task Job_LaunchedAndReported_MetricsCountItsTransitionsLaunchTokensAndTimes()
    {
        await using var rig = await TelemetryRig.StartAsync();
        var jobId = await rig.PostTicketAsync("PAY-20", "Summary");
        rig.Time.Advance(TimeSpan.FromSeconds(30));
        var launch = await rig.DispatchAsync(jobId);

        await WorkerPlay.RunAsync(rig, launch, TimeSpan.FromSeconds(90));
        rig.FlushMetrics();

        Assert.Equal(Points(("launcher=other", 1)), Sum(rig, "agent_conductor.launches", "{launch}"));
        Assert.Equal(
            Points(
                ("from=none,to=pending", 1), ("from=pending,to=launching", 1), ("from=launching,to=launched", 1),
                ("from=launched,to=connected", 1), ("from=connected,to=running", 1), ("from=running,to=succeeded", 1)),
            Sum(rig, "agent_conductor.job.transitions", "{transition}"));
        Assert.Equal(
            Points(("type=input", 1200), ("type=cached", 400), ("type=cache_write", 100), ("type=output", 300), ("type=reasoning", 50)),
            Sum(rig, "agent_conductor.tokens", "{token}"));

        var jobs = Exported(rig, "agent_conductor.jobs", "{job}");
        Assert.False(jobs.Sum.IsMonotonic);
        var byState = OtlpValues.Points(jobs);
        Assert.Equal(Enum.GetValues<JobState>().Select(s => $"state={JobStates.ToName(s)}").Order(StringComparer.Ordinal), byState.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(1, byState["state=succeeded"]);
        Assert.Equal(1, byState.Values.Sum());

        var toLaunch = Histogram(rig, "agent_conductor.job.message_to_launch.duration")["kind=ticket"];
        Assert.Equal((1ul, 30.0), (toLaunch.Count, toLaunch.Sum));
        var toResult = Histogram(rig, "agent_conductor.job.message_to_result.duration")["kind=ticket,state=succeeded"];
        Assert.Equal((1ul, 120.0), (toResult.Count, toResult.Sum));
        Assert.Equal([1.0, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800], toResult.ExplicitBounds);
        Assert.Equal(1ul, toResult.BucketCounts[5]); // 120 s falls in (60, 120]

        var heartbeats = Histogram(rig, "agent_conductor.heartbeat.duration");
        Assert.Equal((2ul, 1ul), (heartbeats["answered_from=database"].Count, heartbeats["answered_from=memory"].Count));
        Assert.Empty(rig.Collector.Problems);
    }

    [Fact]
    public async Task Launch_FailingRetryablyThenForGood_CountsFailuresByRetryable()
    {
        await using var rig = await TelemetryRig.StartAsync();
        var retried = await rig.PostTicketAsync("PAY-21", "Summary");
        rig.Host.Launcher.FailNext(1, "throttled");
        await rig.DispatchAsync(retried);
        var refused = await rig.PostTicketAsync("PAY-22", "Summary");
        rig.Host.Launcher.FailNext(2, "no such image", retryable: false);

        await rig.DispatchAsync(refused); // PAY-21 waits out its backoff; PAY-22 fails for good

        rig.FlushMetrics();
        Assert.Equal(Points(("launcher=other,retryable=false", 1), ("launcher=other,retryable=true", 1)), Sum(rig, "agent_conductor.launch.failures", "{launch}"));
        Assert.Null(rig.Collector.LatestMetric(TelemetryRig.ConductorService, "agent_conductor.launches"));
        Assert.Equal("failed", rig.Host.State(refused));
        Assert.Equal("pending", rig.Host.State(retried));
    }

    private static Dictionary<string, double> Points(params (string Tags, double Value)[] points) => points.ToDictionary(p => p.Tags, p => p.Value);

    private static Metric Exported(TelemetryRig rig, string name, string unit)
    {
        var metric = rig.Collector.LatestMetric(TelemetryRig.ConductorService, name) ?? throw new InvalidOperationException($"{name} never arrived");
        Assert.Equal(unit, metric.Unit);
        Assert.NotEmpty(metric.Description);
        return metric;
    }

    private static Dictionary<string, double> Sum(TelemetryRig rig, string name, string unit)
    {
        var metric = Exported(rig, name, unit);
        Assert.Equal((Metric.DataOneofCase.Sum, true, AggregationTemporality.Cumulative), (metric.DataCase, metric.Sum.IsMonotonic, metric.Sum.AggregationTemporality));
        return OtlpValues.Points(metric);
    }

    private static Dictionary<string, HistogramDataPoint> Histogram(TelemetryRig rig, string name) => OtlpValues.HistogramPoints(Exported(rig, name, "s"));
}
