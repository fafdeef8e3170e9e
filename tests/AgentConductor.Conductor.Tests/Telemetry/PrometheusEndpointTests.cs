using System.Net;
using System.Net.Http.Headers;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Otlp;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>The scrape endpoint: the text format on the API listener, behind the API key when one is set, nowhere else.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class PrometheusEndpointTests
{
    private const string Key = "prometheus-scrape-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Scrape_AfterOneJob_AnswersTheTextFormatWithTheJobMetrics()
    {
        await using var collector = await OtlpCollector.StartAsync();
        await using var rig = await TelemetryRig.StartAsync(collector, ["--Telemetry:Prometheus:Enabled=true", $"--Api:Key={Key}"]);
        var jobId = await rig.PostTicketAsync("PAY-30", "Summary", Key);
        rig.Time.Advance(TimeSpan.FromSeconds(45));
        var launch = await rig.DispatchAsync(jobId);
        await WorkerPlay.RunAsync(rig, launch, TimeSpan.FromSeconds(15));

        using var response = await ScrapeAsync(rig.Host.Http, Key);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        var lines = text.Split('\n');
        Assert.Contains("# TYPE agent_conductor_launches_total counter", lines);
        Assert.Contains("agent_conductor_launches_total{launcher=\"other\"} 1", lines);
        Assert.Contains("agent_conductor_job_transitions_total{from=\"running\",to=\"succeeded\"} 1", lines);
        Assert.Contains("# TYPE agent_conductor_jobs gauge", lines);
        Assert.Contains("agent_conductor_jobs{state=\"succeeded\"} 1", lines);
        Assert.Contains("agent_conductor_jobs{state=\"running\"} 0", lines);
        Assert.Contains("agent_conductor_tokens_total{type=\"input\"} 1200", lines);
        Assert.Contains("# TYPE agent_conductor_job_message_to_result_duration_seconds histogram", lines);
        Assert.Contains("agent_conductor_job_message_to_result_duration_seconds_bucket{kind=\"ticket\",state=\"succeeded\",le=\"60\"} 1", lines);
        Assert.Contains("agent_conductor_job_message_to_result_duration_seconds_bucket{kind=\"ticket\",state=\"succeeded\",le=\"30\"} 0", lines);
        Assert.Contains("agent_conductor_job_message_to_result_duration_seconds_sum{kind=\"ticket\",state=\"succeeded\"} 60", lines);
        Assert.Contains("agent_conductor_job_message_to_result_duration_seconds_count{kind=\"ticket\",state=\"succeeded\"} 1", lines);
        Assert.Contains("agent_conductor_job_message_to_launch_duration_seconds_sum{kind=\"ticket\"} 45", lines);
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal));
        Assert.Empty(collector.Requests); // Prometheus alone: nothing is pushed
    }

    [Fact]
    public async Task Scrape_WithAnApiKey_NeedsTheKeyLikeTheApi()
    {
        await using var host = await ConductorHost.StartAsync(["--Telemetry:Prometheus:Enabled=true", "--Telemetry:Prometheus:Path=/internal/metrics", $"--Api:Key={Key}"], cancellationToken: Ct);

        using var without = await ScrapeAsync(host.Http, key: null, "/internal/metrics");
        using var wrong = await ScrapeAsync(host.Http, "not-the-key-at-all-0000", "/internal/metrics");
        using var with = await ScrapeAsync(host.Http, Key, "/internal/metrics");
        using var post = await host.Http.SendAsync(Request(HttpMethod.Post, "/internal/metrics", Key), Ct);
        using var old = await ScrapeAsync(host.Http, Key, "/metrics");

        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.MethodNotAllowed, HttpStatusCode.NotFound),
            (without.StatusCode, wrong.StatusCode, with.StatusCode, post.StatusCode, old.StatusCode));
        Assert.Contains("# TYPE agent_conductor_jobs gauge", await with.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrape_OnTheWorkerListener_IsNotServed()
    {
        await using var host = await ConductorHost.StartAsync(["--Telemetry:Prometheus:Enabled=true"], cancellationToken: Ct);
        using var http2 = new HttpClient { BaseAddress = host.WorkerAddress, DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var worker = await http2.GetAsync("/metrics", Ct);
        using var api = await ScrapeAsync(host.Http, key: null);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (worker.StatusCode, api.StatusCode));
    }

    [Fact]
    public async Task Scrape_NotEnabled_IsNotServed()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);

        using var response = await ScrapeAsync(host.Http, key: null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static Task<HttpResponseMessage> ScrapeAsync(HttpClient http, string? key, string path = "/metrics") =>
        http.SendAsync(Request(HttpMethod.Get, path, key), Ct);

    private static HttpRequestMessage Request(HttpMethod method, string path, string? key)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }
}
