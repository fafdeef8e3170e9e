using System.Text.Json;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Replay;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Otlp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AgentConductor.Conductor.Tests.Telemetry;

/// <summary>
/// A conductor in-process (fake launcher, fake clock, the dispatcher run by hand) exporting to a strict
/// <see cref="OtlpCollector"/>; <see cref="WorkerPlay"/> plays its worker.
/// </summary>
internal sealed class TelemetryRig : IAsyncDisposable
{
    public const string ConductorService = "agent-conductor";

    private readonly bool _ownsCollector;

    private TelemetryRig(OtlpCollector collector, ConductorHost host, FakeTimeProvider time, bool ownsCollector)
    {
        Collector = collector;
        Host = host;
        Time = time;
        _ownsCollector = ownsCollector;
    }

    public OtlpCollector Collector { get; }

    public ConductorHost Host { get; }

    public FakeTimeProvider Time { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A conductor exporting to a new collector over http/protobuf, then <paramref name="settings"/>.</summary>
    public static async Task<TelemetryRig> StartAsync(params string[] settings)
    {
        var collector = await OtlpCollector.StartAsync();
        return await StartAsync(collector, [$"--Telemetry:OtlpEndpoint={collector.HttpEndpoint}", .. settings], ownsCollector: true);
    }

    /// <summary>A conductor with exactly <paramref name="settings"/> beyond the test defaults; the collector outlives it unless <paramref name="ownsCollector"/>.</summary>
    public static async Task<TelemetryRig> StartAsync(OtlpCollector collector, IEnumerable<string> settings, bool ownsCollector = false)
    {
        var time = new FakeTimeProvider(ConductorHost.T0);
        var host = await ConductorHost.StartAsync(settings, timeProvider: time, cancellationToken: Ct);
        return new TelemetryRig(collector, host, time, ownsCollector);
    }

    /// <summary>Posts a new ticket to the inbox (traced as an HTTP request) and returns its job's id.</summary>
    public async Task<string> PostTicketAsync(string key, string summary, string? apiKey = null)
    {
        var body = SampleMessages.JiraWebhook("jira:issue_created", key, summary, Time.GetUtcNow(), []).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        using var response = await Host.Http.SendAsync(request, Ct);
        response.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return answer.RootElement.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }

    /// <summary>One dispatcher pass; returns the launch of <paramref name="jobId"/> it made.</summary>
    public async Task<LaunchRequest> DispatchAsync(string jobId)
    {
        await Host.Services.GetRequiredService<Dispatcher>().RunOnceAsync(Ct);
        return Host.Launcher.Launches.Last(l => l.JobId == jobId);
    }

    /// <summary>Flushes the conductor's spans until <paramref name="complete"/> holds for what the collector has (server spans end just after their response).</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> SpansAsync(Func<IReadOnlyList<ReceivedSpan>, bool> complete)
    {
        var tracer = Host.Services.GetRequiredService<TracerProvider>();
        return await Eventually.ValueAsync(() =>
        {
            tracer.ForceFlush();
            var spans = Collector.Spans;
            return complete(spans) ? spans : null;
        }, Ct);
    }

    /// <summary>Has the conductor export its metrics now.</summary>
    public void FlushMetrics() => Assert.True(Host.Services.GetRequiredService<MeterProvider>().ForceFlush());

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_ownsCollector)
        {
            await Collector.DisposeAsync();
        }
    }
}
