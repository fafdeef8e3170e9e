using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Telemetry;

internal sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);
    private static readonly string[] ReservedPaths = ["/v1", "/healthz", "/dashboard"];

    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var problems = new List<string>();
        if (options.OtlpEnabled && OtlpAddress.Problem(options.OtlpEndpoint!) is { } endpoint)
        {
            problems.Add($"Telemetry:OtlpEndpoint {endpoint}.");
        }

        if (options.OtlpProtocol is not (TelemetryOptions.HttpProtobuf or TelemetryOptions.Grpc))
        {
            problems.Add($"Telemetry:OtlpProtocol must be {TelemetryOptions.HttpProtobuf} or {TelemetryOptions.Grpc} (got '{options.OtlpProtocol}').");
        }

        if (options.MetricExportInterval < MinInterval || options.MetricExportInterval > MaxInterval)
        {
            problems.Add($"Telemetry:MetricExportInterval must be between {MinInterval} and {MaxInterval} (got {options.MetricExportInterval}).");
        }

        if (!(options.TraceSampleRatio is >= 0 and <= 1))
        {
            problems.Add($"Telemetry:TraceSampleRatio must be between 0 and 1 (got {options.TraceSampleRatio}).");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceName))
        {
            problems.Add("Telemetry:ServiceName must not be empty.");
        }

        var path = options.Prometheus.Path;
        if (options.Prometheus.Enabled && (path is not ['/', _, ..] || path.Any(c => c is '?' or '#' || char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            problems.Add($"Telemetry:Prometheus:Path must be an absolute path below / without a query, such as /metrics (got '{path}').");
        }
        else if (options.Prometheus.Enabled && ReservedPaths.FirstOrDefault(reserved => new PathString(path).StartsWithSegments(reserved, StringComparison.OrdinalIgnoreCase)) is { } taken)
        {
            // The scrape is answered before routing: under these it would hide the API, the health checks or the dashboard.
            problems.Add($"Telemetry:Prometheus:Path must not be under {taken}, which the conductor serves itself (got '{path}').");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
