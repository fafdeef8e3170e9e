using AgentConductor.Worker.Telemetry;
using Microsoft.Extensions.Configuration;

namespace AgentConductor.Worker.Tests.Telemetry;

/// <summary>The worker's telemetry variables: all optional, a bad endpoint or protocol named, a bad traceparent dropped.</summary>
public sealed class WorkerTelemetrySettingsTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public void Load_NothingSet_NoExportAndNoParent()
    {
        var settings = Load([], out var problems);

        Assert.Empty(problems);
        Assert.Equal((null, "http/protobuf", null, null), (settings.OtlpEndpoint, settings.OtlpProtocol, settings.Parent, settings.TraceParent));
    }

    [Fact]
    public void Load_EndpointProtocolAndTraceParent_Read()
    {
        var settings = Load(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4318/otel",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["TRACEPARENT"] = TraceParent,
        }, out var problems);

        Assert.Empty(problems);
        Assert.Equal("http://collector:4318/otel/v1/traces", settings.SignalEndpoint("v1/traces").ToString());
        Assert.Equal(("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"), (settings.Parent!.Value.TraceId.ToHexString(), settings.Parent.Value.SpanId.ToHexString()));
        Assert.Equal(TraceParent, settings.TraceParent);
    }

    [Fact]
    public void Load_Grpc_UsesTheEndpointAsIs()
    {
        var settings = Load(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc" }, out var problems);

        Assert.Empty(problems);
        Assert.Equal("http://collector:4317/", settings.SignalEndpoint("v1/traces").ToString());
    }

    [Fact]
    public void Load_BadEndpointAndProtocol_BothNamed()
    {
        Load(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4318", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json" }, out var problems);

        Assert.Equal(
            ["OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// address (got 'collector:4318')", "OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or grpc (got 'http/json')"],
            problems);
    }

    [Theory]
    [InlineData("not a traceparent")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    public void Load_TraceParentThatDoesNotParse_IsDropped(string value)
    {
        var settings = Load(new() { ["TRACEPARENT"] = value }, out var problems);

        Assert.Empty(problems);
        Assert.Equal((null, null), (settings.Parent, settings.TraceParent));
    }

    [Fact]
    public void Load_CollectorHeaders_TheirValuesAsWrittenAndDecoded()
    {
        var settings = Load(new()
        {
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-honeycomb-team=hc-key%2F0123456789, api-key = second-key-0123 ,broken",
            ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = "authorization=Bearer%20traces-only-token",
        }, out var problems);

        Assert.Empty(problems);
        Assert.Equal(
            ["hc-key%2F0123456789", "hc-key/0123456789", "second-key-0123", "Bearer%20traces-only-token", "Bearer traces-only-token"],
            settings.HeaderValues);
        Assert.Empty(Load([], out _).HeaderValues);
    }

    [Fact]
    public void Start_WithoutEndpoint_ExportsNothingAndPropagatesTheLaunchContext()
    {
        using var telemetry = WorkerTelemetry.Start(Load(new() { ["TRACEPARENT"] = TraceParent }, out _), "01job");

        Assert.False(telemetry.Exporting);
        Assert.Equal(TraceParent, telemetry.PropagatedTraceParent);
        Assert.Null(telemetry.StartJob("01job"));
    }

    private static WorkerTelemetrySettings Load(Dictionary<string, string?> values, out IReadOnlyList<string> problems) =>
        WorkerTelemetrySettings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), out problems);
}
