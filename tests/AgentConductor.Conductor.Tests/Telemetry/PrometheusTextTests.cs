using System.Diagnostics.Metrics;
using AgentConductor.Conductor.Telemetry.Prometheus;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>
/// The scrape text for a meter of each instrument kind, collected through the SDK exactly as the endpoint collects
/// (each test has a meter of its own, so tests do not see each other's instruments).
/// </summary>
public sealed class PrometheusTextTests
{
    [Fact]
    public void Scrape_CounterWithUnitAndAwkwardText_NamedSuffixedAndEscaped()
    {
        using var meter = new Meter($"test.prometheus.{Guid.NewGuid():N}");
        using var scrape = new Scraper(meter);
        var sent = meter.CreateCounter<long>("test.sent", "By", "Bytes \\ sent\nto a \"peer\"");
        sent.Add(1500, new KeyValuePair<string, object?>("peer.name", "a\"b\\c\nd"));
        sent.Add(7, new KeyValuePair<string, object?>("peer.name", "other"), new KeyValuePair<string, object?>("tls", true));

        var text = scrape.Text();

        Assert.Equal(
            """
            # HELP test_sent_bytes_total Bytes \\ sent\nto a "peer"
            # TYPE test_sent_bytes_total counter
            test_sent_bytes_total{peer_name="a\"b\\c\nd"} 1500
            test_sent_bytes_total{peer_name="other",tls="true"} 7

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Scrape_HistogramInSeconds_CumulativeBucketsUpToInfinitySumAndCount()
    {
        using var meter = new Meter($"test.prometheus.{Guid.NewGuid():N}");
        using var scrape = new Scraper(meter);
        var wait = meter.CreateHistogram("test.wait.duration", "s", "Waits", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.5, 1] });
        foreach (var seconds in (double[])[0.25, 0.75, 3])
        {
            wait.Record(seconds, new KeyValuePair<string, object?>("kind", "ticket"));
        }

        var text = scrape.Text();

        Assert.Equal(
            """
            # HELP test_wait_duration_seconds Waits
            # TYPE test_wait_duration_seconds histogram
            test_wait_duration_seconds_bucket{kind="ticket",le="0.5"} 1
            test_wait_duration_seconds_bucket{kind="ticket",le="1"} 2
            test_wait_duration_seconds_bucket{kind="ticket",le="+Inf"} 3
            test_wait_duration_seconds_sum{kind="ticket"} 4
            test_wait_duration_seconds_count{kind="ticket"} 3

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void Scrape_UpDownCounterAndGauges_AreGaugesAndAnnotationsAddNoSuffix()
    {
        using var meter = new Meter($"test.prometheus.{Guid.NewGuid():N}");
        using var scrape = new Scraper(meter);
        var queue = meter.CreateUpDownCounter<long>("test.queue", "{item}", "Items waiting");
        queue.Add(5);
        queue.Add(-7);
        meter.CreateObservableGauge("test.ratio", () => 0.125, "1", "A share");
        meter.CreateObservableUpDownCounter("test.jobs", () => new Measurement<long>(3, new KeyValuePair<string, object?>("state", "running")), "{job}", "Jobs");

        var text = scrape.Text();

        Assert.Equal(
            """
            # HELP test_queue Items waiting
            # TYPE test_queue gauge
            test_queue -2
            # HELP test_ratio A share
            # TYPE test_ratio gauge
            test_ratio 0.125
            # HELP test_jobs Jobs
            # TYPE test_jobs gauge
            test_jobs{state="running"} 3

            """.ReplaceLineEndings("\n"),
            text);
    }

    [Theory]
    [InlineData("agent_conductor.job.transitions", "{transition}", true, "agent_conductor_job_transitions_total")]
    [InlineData("agent_conductor.job.message_to_result.duration", "s", false, "agent_conductor_job_message_to_result_duration_seconds")]
    [InlineData("http.server.request.duration", "s", false, "http_server_request_duration_seconds")]
    [InlineData("dotnet.gc.heap.total_allocated", "By", true, "dotnet_gc_heap_total_allocated_bytes_total")]
    [InlineData("requests.total", "{request}", true, "requests_total")]
    [InlineData("rate", "By/s", false, "rate_bytes_per_second")]
    [InlineData("jobs.started", "{job}/min", true, "jobs_started_per_minute_total")]
    [InlineData("latency_seconds", "s", false, "latency_seconds")]
    public void MetricName_OpenTelemetryInstrument_PrometheusName(string name, string unit, bool counter, string expected) =>
        Assert.Equal(expected, PrometheusText.MetricName(name, unit, counter));

    /// <summary>A meter provider listening to one meter (from before the first measurement) with the scrape exporter.</summary>
    private sealed class Scraper : IDisposable
    {
        private readonly PrometheusScrapeExporter _exporter = new();
        private readonly MeterProvider _provider;

        public Scraper(Meter meter) =>
            _provider = Sdk.CreateMeterProviderBuilder().AddMeter(meter.Name).AddReader(new BaseExportingMetricReader(_exporter)).Build();

        public string Text() => _exporter.Scrape() ?? throw new InvalidOperationException("nothing was collected");

        public void Dispose() => _provider.Dispose();
    }
}
