namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// OpenTelemetry export: traces and metrics over OTLP when <see cref="OtlpEndpoint"/> is set, and a Prometheus scrape
/// endpoint when <see cref="PrometheusOptions.Enabled"/>. Neither set: no provider is built and nothing is exported.
/// </summary>
internal sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    public const string HttpProtobuf = "http/protobuf";

    public const string Grpc = "grpc";

    /// <summary>
    /// The collector's base address (<c>http://collector:4318</c> for http/protobuf, where <c>/v1/traces</c> and
    /// <c>/v1/metrics</c> are appended; <c>http://collector:4317</c> for grpc). Empty: no OTLP export.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (the default) or <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = HttpProtobuf;

    /// <summary>How often metrics are pushed over OTLP.</summary>
    public TimeSpan MetricExportInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The share of new traces recorded (0 to 1); a trace that arrives with a parent follows its parent's decision.</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "agent-conductor";

    /// <summary>The <c>service.instance.id</c> resource attribute; empty: a new id for each start.</summary>
    public string? ServiceInstanceId { get; set; }

    public PrometheusOptions Prometheus { get; set; } = new();

    public bool OtlpEnabled => !string.IsNullOrWhiteSpace(OtlpEndpoint);
}

/// <summary>The scrape endpoint on the API listener (<c>Urls</c>), behind <c>Api:Key</c> when one is set.</summary>
internal sealed class PrometheusOptions
{
    public bool Enabled { get; set; }

    public string Path { get; set; } = "/metrics";
}
