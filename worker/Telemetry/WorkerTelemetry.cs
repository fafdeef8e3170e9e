using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using AgentConductor.Worker.Run;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace AgentConductor.Worker.Telemetry;

/// <summary>
/// The worker's part of the job's trace. With an OTLP endpoint the worker records its run as <c>worker.job</c> under
/// the launch's context (<c>TRACEPARENT</c>), and the gRPC and HTTP client spans of every call to the conductor under
/// that; the calls carry their own span's <c>traceparent</c>. Without one it records nothing and each call carries
/// <c>TRACEPARENT</c> itself (<see cref="PropagatedTraceParent"/>), so the conductor's spans of the calls still join the
/// job's trace, under the launch. Disposing flushes what was recorded.
/// </summary>
internal sealed class WorkerTelemetry : IDisposable
{
    public const string ActivitySourceName = "AgentConductor.Worker";

    public const string MeterName = "AgentConductor.Worker";

    public const string ExitCodeAttribute = "agent_conductor.worker.exit_code";

    public static readonly ActivitySource Source = new(ActivitySourceName, Version);

    private static readonly Meter Meter = new(MeterName, Version);

    private static readonly Histogram<double> HeartbeatRoundTrip = Meter.CreateHistogram(
        "agent_conductor.worker.heartbeat.duration", "s", "Round trip of the worker's heartbeats the conductor answered",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private readonly WorkerTelemetrySettings _settings;
    private readonly TracerProvider? _tracing;
    private readonly MeterProvider? _metrics;

    private WorkerTelemetry(WorkerTelemetrySettings settings, TracerProvider? tracing, MeterProvider? metrics)
    {
        _settings = settings;
        _tracing = tracing;
        _metrics = metrics;
    }

    private static string Version { get; } =
        typeof(WorkerTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Whether this worker exports spans and metrics of its own.</summary>
    public bool Exporting => _tracing is not null;

    /// <summary>The traceparent every call sends when the worker records no spans of its own; null otherwise.</summary>
    public string? PropagatedTraceParent => Exporting ? null : _settings.TraceParent;

    /// <summary>Builds the exporters when an endpoint is configured; <paramref name="jobId"/> names this worker (<c>service.instance.id</c>).</summary>
    public static WorkerTelemetry Start(WorkerTelemetrySettings settings, string jobId)
    {
        if (settings.OtlpEndpoint is null)
        {
            return new WorkerTelemetry(settings, null, null);
        }

        var protocol = settings.OtlpProtocol == WorkerTelemetrySettings.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        var resource = ResourceBuilder.CreateDefault().AddService("agent-conductor-worker", serviceVersion: Version, serviceInstanceId: jobId);
        var tracing = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(ActivitySourceName, "Grpc.Net.Client", "System.Net.Http")
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddOtlpExporter(o => (o.Protocol, o.Endpoint) = (protocol, settings.SignalEndpoint("v1/traces")))
            .Build();
        var metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(MeterName)
            .AddOtlpExporter((o, reader) =>
            {
                (o.Protocol, o.Endpoint) = (protocol, settings.SignalEndpoint("v1/metrics"));
                reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            })
            .Build();
        return new WorkerTelemetry(settings, tracing, metrics);
    }

    /// <summary>
    /// Starts <c>worker.job</c>, the parent of everything the worker does, as the current activity; null when the worker
    /// does not export (then <see cref="PropagatedTraceParent"/> carries the trace).
    /// </summary>
    public Activity? StartJob(string jobId)
    {
        if (!Exporting)
        {
            return null;
        }

        var activity = Source.StartActivity("worker.job", ActivityKind.Internal, _settings.Parent ?? default);
        activity?.SetTag("agent_conductor.job.id", jobId);
        return activity;
    }

    /// <summary>
    /// Tags <c>worker.job</c> with the worker's exit code (<c>WorkerExitCodes</c>); the job's own outcome is the
    /// conductor's to tell, so only codes no result explains (the conductor out of reach or refusing, a crash) are errors.
    /// </summary>
    public static void Ended(Activity? span, int exitCode)
    {
        span?.SetTag(ExitCodeAttribute, exitCode);
        if (exitCode is WorkerExitCodes.ConductorUnreachable or WorkerExitCodes.ConductorRejected or WorkerExitCodes.Crashed)
        {
            span?.SetStatus(ActivityStatusCode.Error, $"worker exited with {exitCode}");
        }
    }

    public static void HeartbeatAnswered(TimeSpan roundTrip) => HeartbeatRoundTrip.Record(roundTrip.TotalSeconds);

    /// <summary>Exports what is left (each provider waits up to its exporter's timeout).</summary>
    public void Dispose()
    {
        _tracing?.Dispose();
        _metrics?.Dispose();
    }
}
