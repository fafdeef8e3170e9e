using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AgentConductor.Conductor.Telemetry.Prometheus;

/// <summary>
/// A pull-only metric exporter: each <see cref="Scrape"/> has the SDK collect the conductor's meters (cumulative, the
/// same aggregation the OTLP export sends) and renders the batch in the Prometheus text format. Scrapes are serialised:
/// the SDK's metric points are only valid while <see cref="Export"/> runs, so the text is written there.
/// </summary>
[ExportModes(ExportModes.Pull)]
internal sealed class PrometheusScrapeExporter : BaseExporter<Metric>, IPullMetricExporter
{
    private const int CollectTimeoutMilliseconds = 10_000;

    private readonly Lock _gate = new();
    private string? _text;

    public Func<int, bool>? Collect { get; set; }

    /// <summary>The current value of every metric as Prometheus text; null when the meter provider is gone.</summary>
    public string? Scrape()
    {
        lock (_gate)
        {
            _text = null;
            return Collect is { } collect && collect(CollectTimeoutMilliseconds) ? _text : null;
        }
    }

    public override ExportResult Export(in Batch<Metric> batch)
    {
        var metrics = new List<Metric>();
        foreach (var metric in batch)
        {
            metrics.Add(metric);
        }

        _text = PrometheusText.Write(metrics);
        return ExportResult.Success;
    }
}
