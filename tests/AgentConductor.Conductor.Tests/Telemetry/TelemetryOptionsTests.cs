using AgentConductor.Conductor.Hosting;
using AgentConductor.Conductor.Telemetry;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>The telemetry settings are checked with every other setting before the service starts.</summary>
public sealed class TelemetryOptionsTests
{
    [Fact]
    public void Settings_Invalid_EveryProblemNamedAtOnce()
    {
        var problems = Problems(
            "--Telemetry:OtlpEndpoint=collector:4318",
            "--Telemetry:OtlpProtocol=http/json",
            "--Telemetry:MetricExportInterval=00:00:00.100",
            "--Telemetry:TraceSampleRatio=1.5",
            "--Telemetry:ServiceName= ",
            "--Telemetry:Prometheus:Enabled=true",
            "--Telemetry:Prometheus:Path=metrics");

        Assert.Equal(
            [
                "Telemetry:OtlpEndpoint must be an absolute http:// or https:// address without credentials or a query (got 'collector:4318').",
                "Telemetry:OtlpProtocol must be http/protobuf or grpc (got 'http/json').",
                "Telemetry:MetricExportInterval must be between 00:00:01 and 01:00:00 (got 00:00:00.1000000).",
                "Telemetry:TraceSampleRatio must be between 0 and 1 (got 1.5).",
                "Telemetry:ServiceName must not be empty.",
                "Telemetry:Prometheus:Path must be an absolute path below / without a query, such as /metrics (got 'metrics').",
            ],
            problems);
    }

    [Theory]
    [InlineData("--Telemetry:OtlpEndpoint=http://user:secret@collector:4318", "without credentials")]
    [InlineData("--Telemetry:Prometheus:Enabled=yes", "Telemetry:Prometheus:Enabled")]
    [InlineData("--Telemetry:TraceSampleRatio=all", "Telemetry:TraceSampleRatio")]
    public void Settings_OneBadValue_Named(string setting, string expected) =>
        Assert.Contains(Problems(setting), p => p.Contains(expected, StringComparison.Ordinal));

    [Theory]
    [InlineData("/v1/jobs", "/v1")]
    [InlineData("/HealthZ/metrics", "/healthz")]
    [InlineData("/dashboard", "/dashboard")]
    public void Settings_ScrapePathTheConductorServes_Refused(string path, string reserved) =>
        Assert.Equal(
            [$"Telemetry:Prometheus:Path must not be under {reserved}, which the conductor serves itself (got '{path}')."],
            Problems("--Telemetry:Prometheus:Enabled=true", $"--Telemetry:Prometheus:Path={path}"));

    [Fact]
    public void Settings_None_RegisterNoTelemetryProvider()
    {
        using var directory = new TempDirectory();
        using var app = ConductorApplication.Build(BaseSettings(directory));

        Assert.Null(app.Services.GetService<OpenTelemetry.Trace.TracerProvider>());
        Assert.Null(app.Services.GetService<OpenTelemetry.Metrics.MeterProvider>());
        Assert.Null(app.Services.GetService<JobStateGauge>());
    }

    [Fact]
    public void OtlpAddress_HttpProtobuf_AppendsTheSignalPathUnderTheBase()
    {
        Assert.Equal("http://collector:4318/v1/traces", OtlpAddress.For("http://collector:4318", TelemetryOptions.HttpProtobuf, "v1/traces").ToString());
        Assert.Equal("https://otlp.example/otel/v1/metrics", OtlpAddress.For("https://otlp.example/otel/", TelemetryOptions.HttpProtobuf, "v1/metrics").ToString());
        Assert.Equal("http://collector:4317/", OtlpAddress.For("http://collector:4317", TelemetryOptions.Grpc, "v1/traces").ToString());
    }

    private static List<string> Problems(params string[] settings)
    {
        using var directory = new TempDirectory();
        using var app = ConductorApplication.Build([.. BaseSettings(directory), .. settings]);
        var error = Assert.Throws<ConfigurationInvalidException>(() => app.Services.GetRequiredService<SettingsCheck>().ThrowIfInvalid(app.Services, app.Configuration));
        return [.. error.Problems.Where(p => p.Contains("Telemetry", StringComparison.Ordinal))];
    }

    private static string[] BaseSettings(TempDirectory directory) =>
    [
        "--Urls=http://127.0.0.1:0",
        "--WorkerApi:Urls=http://127.0.0.1:0",
        $"--Storage:DatabasePath={directory.File("c.db")}",
    ];
}
