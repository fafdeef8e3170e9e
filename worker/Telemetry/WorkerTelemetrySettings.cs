using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace AgentConductor.Worker.Telemetry;

/// <summary>
/// The worker's telemetry settings from its environment: <c>TRACEPARENT</c> (set by the conductor's launcher: the
/// context of the launch's span), and <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> / <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>
/// (<c>http/protobuf</c> or <c>grpc</c>) when the worker should export its own spans and metrics. Optional, all of them.
/// </summary>
internal sealed record WorkerTelemetrySettings(Uri? OtlpEndpoint, string OtlpProtocol, ActivityContext? Parent, string? TraceParent)
{
    public const string HttpProtobuf = "http/protobuf";

    public const string Grpc = "grpc";

    /// <summary>Settings that fail the worker (a bad endpoint or protocol) go to <paramref name="problems"/>; a traceparent that does not parse is dropped.</summary>
    public static WorkerTelemetrySettings Load(IConfiguration configuration, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        Uri? endpoint = null;
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } address
            && (!Uri.TryCreate(address, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps)))
        {
            found.Add($"OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// address (got '{address}')");
            endpoint = null;
        }

        var protocol = configuration["OTEL_EXPORTER_OTLP_PROTOCOL"] is { Length: > 0 } named ? named : HttpProtobuf;
        if (protocol is not (HttpProtobuf or Grpc))
        {
            found.Add($"OTEL_EXPORTER_OTLP_PROTOCOL must be {HttpProtobuf} or {Grpc} (got '{protocol}')");
        }

        var traceParent = configuration["TRACEPARENT"];
        ActivityContext? parent = ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : null;
        problems = found;
        return new WorkerTelemetrySettings(endpoint, protocol, parent, parent is null ? null : traceParent)
        {
            HeaderValues = [.. HeaderVariables.SelectMany(name => HeaderValuesOf(configuration[name]))],
        };
    }

    /// <summary>
    /// The values of the collector's headers (<c>OTEL_EXPORTER_OTLP_HEADERS</c> and the per-signal variables, which the
    /// exporter reads itself): often an API key, so the worker masks them like its other secrets. As written and decoded.
    /// </summary>
    public IReadOnlyList<string> HeaderValues { get; init; } = [];

    private static readonly string[] HeaderVariables =
        ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_METRICS_HEADERS"];

    // "key1=value1,key2=value2", values percent-encoded (the OTLP exporter specification).
    private static IEnumerable<string> HeaderValuesOf(string? headers) =>
        (headers ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.IndexOf('=', StringComparison.Ordinal) is var at and > 0 ? pair[(at + 1)..].Trim() : "")
            .Where(value => value.Length > 0)
            .SelectMany(value => new[] { value, Uri.UnescapeDataString(value) })
            .Distinct(StringComparer.Ordinal);

    /// <summary>The signal's address: over http/protobuf <paramref name="signalPath"/> goes under the base address.</summary>
    public Uri SignalEndpoint(string signalPath) =>
        OtlpProtocol == Grpc ? OtlpEndpoint! : new Uri(new Uri(OtlpEndpoint!.ToString().TrimEnd('/') + "/"), signalPath);
}
