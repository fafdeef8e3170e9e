using System.Text.Json;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>
/// Jobs launched the production way (scheduler, the real dispatcher with the fake launcher, handshake), so that the prices
/// and caps of the settings are fixed on them; and the calls a worker makes to report spend.
/// </summary>
internal static class PricedJobs
{
    /// <summary>USD per million: input 1.25, cached 0.125, cache write 1.5, output 10 (reasoning is output); a worker 0.36 USD an hour.</summary>
    public static readonly string[] Prices =
    [
        "--Prices:Default:Input=1.25", "--Prices:Default:CachedInput=0.125", "--Prices:Default:CacheWriteInput=1.5", "--Prices:Default:Output=10",
        "--Prices:Compute:ContainerHour=0.36",
    ];

    /// <summary>A new ticket job, launched by the dispatcher and connected by its worker's handshake; returns the job and its token.</summary>
    public static Task<(string JobId, string Token)> TicketAsync(ConductorHost host, string key, CancellationToken cancellationToken) =>
        LaunchAsync(host, "m-" + key, at => Messages.TicketCreated(key, at), cancellationToken);

    public static Task<(string JobId, string Token)> IncidentAsync(ConductorHost host, string account, CancellationToken cancellationToken) =>
        LaunchAsync(host, "m-" + account, at => Messages.Alarm(account, at), cancellationToken);

    public static TimeProvider Time(ConductorHost host) => host.Services.GetRequiredService<TimeProvider>();

    /// <summary>A completed turn with this usage, as PublishProgress carries it.</summary>
    public static ProgressUpdate Turn(string jobId, long input, long cached = 0, long cacheWrite = 0, long output = 0, long reasoning = 0) => new()
    {
        JobId = jobId,
        Progress = new ProgressEvent
        {
            TurnCompleted = new AgentTurnCompleted { Turn = 1, Usage = Usage(input, cached, cacheWrite, output, reasoning) },
        },
    };

    /// <summary>A model request the worker's proxy forwarded.</summary>
    public static ProgressUpdate Request(string jobId, int index, long input, long output) => new()
    {
        JobId = jobId,
        Progress = new ProgressEvent { ModelRequest = new ModelRequestCompleted { Index = index, Status = 200, Usage = Usage(input, 0, 0, output, 0) } },
    };

    public static TokenUsage Usage(long input, long cached = 0, long cacheWrite = 0, long output = 0, long reasoning = 0) => new()
    {
        InputTokens = input, CachedInputTokens = cached, CacheWriteInputTokens = cacheWrite, OutputTokens = output, ReasoningOutputTokens = reasoning,
    };

    public static async Task PublishAsync(ConductorHost host, string token, CancellationToken cancellationToken, params ProgressUpdate[] updates)
    {
        using var call = host.Worker.PublishProgress(ConductorHost.Bearer(token).WithCancellationToken(cancellationToken));
        foreach (var update in updates)
        {
            await call.RequestStream.WriteAsync(update, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        await call.ResponseAsync;
    }

    public static async Task<string> ReportAsync(ConductorHost host, string token, ReportResultRequest result, CancellationToken cancellationToken) =>
        (await host.Worker.ReportResultAsync(result, ConductorHost.Bearer(token).WithCancellationToken(cancellationToken)).ResponseAsync).JobState;

    /// <summary>The job as <c>GET /v1/jobs/{id}</c> shows it (<c>job</c> of the detail).</summary>
    public static async Task<JsonElement> JobAsync(ConductorHost host, string jobId, CancellationToken cancellationToken) =>
        JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{jobId}", cancellationToken)).RootElement;

    public static decimal? Money(JsonElement element, string name) =>
        element.GetProperty(name).ValueKind == JsonValueKind.Null ? null : element.GetProperty(name).GetDecimal();

    private static async Task<(string JobId, string Token)> LaunchAsync(ConductorHost host, string messageId, Func<DateTimeOffset, string> body, CancellationToken cancellationToken)
    {
        var at = Time(host).GetUtcNow();
        var result = await host.Services.GetRequiredService<Scheduler>().ScheduleAsync([new InboundMessage(messageId, body(at), at)], cancellationToken);
        var jobId = result.Decisions.Single().JobId;
        await host.Services.GetRequiredService<Dispatcher>().RunOnceAsync(cancellationToken);
        var token = host.Launcher.Launches.Single(l => l.JobId == jobId).Token;
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(cancellationToken)).ResponseAsync;
        return (jobId, token);
    }
}
