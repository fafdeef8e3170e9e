using AgentConductor.Conductor.Telemetry.Prometheus;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentConductor.Conductor.Telemetry;

/// <summary>
/// OpenTelemetry for the conductor. The settings are always bound and validated; the SDK is registered only when
/// <c>Telemetry:OtlpEndpoint</c> is set (traces and metrics over OTLP) or <c>Telemetry:Prometheus:Enabled</c> (metrics
/// for scraping). Otherwise no listener exists and every instrument and span call is a cheap no-op.
/// </summary>
internal static class TelemetryRegistration
{
    private const string TracesExporter = "conductor-traces";
    private const string MetricsExporter = "conductor-metrics";

    public static IHostApplicationBuilder AddConductorTelemetry(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());

        // Decided from the raw values: a value that does not convert is reported with every other problem at startup.
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        var otlp = !string.IsNullOrWhiteSpace(section[nameof(TelemetryOptions.OtlpEndpoint)]);
        var prometheus = bool.TryParse(section[$"{nameof(TelemetryOptions.Prometheus)}:{nameof(PrometheusOptions.Enabled)}"], out var enabled) && enabled;
        if (!otlp && !prometheus)
        {
            return builder;
        }

        services.TryAddSingleton<JobStateGauge>();
        var telemetry = services.AddOpenTelemetry().ConfigureResource(resource => resource.AddDetector(
            sp => new ServiceResource(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value)));
        if (otlp)
        {
            AddOtlpOptions(services);
            telemetry.WithTracing(tracing => tracing
                .AddSource(TelemetryNames.ActivitySource)
                .AddAspNetCoreInstrumentation()
                .SetSampler(sp => Sampler(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value))
                .AddOtlpExporter(TracesExporter, configure: null));
        }

        if (prometheus)
        {
            services.TryAddSingleton<PrometheusScrapeExporter>();
            services.TryAddSingleton<PrometheusEndpoint>();
        }

        telemetry.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(TelemetryNames.JobsMeter, TelemetryNames.WorkerApiMeter, TelemetryNames.SqsMeter, TelemetryNames.RuntimeMeter)
                .AddAspNetCoreInstrumentation()
                .AddInstrumentation(sp => sp.GetRequiredService<JobStateGauge>());
            if (otlp)
            {
                metrics.AddOtlpExporter(MetricsExporter, configure: null);
            }

            if (prometheus)
            {
                metrics.AddReader(sp => new BaseExportingMetricReader(sp.GetRequiredService<PrometheusScrapeExporter>()));
            }
        });
        return builder;
    }

    /// <summary>The exporters' settings, applied when the providers are built (after the settings were validated).</summary>
    private static void AddOtlpOptions(IServiceCollection services)
    {
        services.AddOptions<OtlpExporterOptions>(TracesExporter).Configure<IOptions<TelemetryOptions>>((otlp, telemetry) => Export(otlp, telemetry.Value, "v1/traces"));
        services.AddOptions<OtlpExporterOptions>(MetricsExporter).Configure<IOptions<TelemetryOptions>>((otlp, telemetry) => Export(otlp, telemetry.Value, "v1/metrics"));
        services.AddOptions<MetricReaderOptions>(MetricsExporter).Configure<IOptions<TelemetryOptions>>((reader, telemetry) =>
        {
            reader.TemporalityPreference = MetricReaderTemporalityPreference.Cumulative;
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)telemetry.Value.MetricExportInterval.TotalMilliseconds;
        });
        services.AddOptions<AspNetCoreTraceInstrumentationOptions>().Configure<IOptions<TelemetryOptions>>((aspNetCore, telemetry) =>
        {
            aspNetCore.RecordException = false; // exception messages may quote what a client sent
            aspNetCore.Filter = context => !context.Request.Path.StartsWithSegments("/healthz")
                && !(telemetry.Value.Prometheus.Enabled && context.Request.Path.Equals(telemetry.Value.Prometheus.Path, StringComparison.OrdinalIgnoreCase));
        });
    }

    private static void Export(OtlpExporterOptions otlp, TelemetryOptions telemetry, string signalPath)
    {
        otlp.Protocol = telemetry.OtlpProtocol == TelemetryOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        otlp.Endpoint = OtlpAddress.For(telemetry.OtlpEndpoint!, telemetry.OtlpProtocol, signalPath);
    }

    private static Sampler Sampler(TelemetryOptions options) =>
        new ParentBasedSampler(options.TraceSampleRatio >= 1 ? new AlwaysOnSampler() : new TraceIdRatioBasedSampler(options.TraceSampleRatio));
}
