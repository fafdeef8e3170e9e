using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Notify;
using AgentConductor.Conductor.WorkerApi;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Jira;
using AgentConductor.TestSupport.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>
/// A conductor sending notifications to a <see cref="WebhookReceiver"/> and/or a <see cref="FakeJiraServer"/>. The delivery
/// loop runs only when asked; otherwise tests make passes by hand (<see cref="PassAsync"/>). Jobs are moved through their
/// life with the production writers: the scheduler, <see cref="JobWriter"/> and the worker API's store.
/// </summary>
internal static class NotifyHost
{
    public const string Secret = "whsec-test-5f2d8c1e9a7b4d3c2e1f0a9b8c7d6e5f";
    public const string JiraUser = "conductor-bot@example.com";
    public const string JiraToken = "ATATT3xFfGF0-test-jira-token-b41c9e27d58a";
    public const string PublicUrl = "https://conductor.example.com";
    public const string PullRequest = "https://github.example/acme/app/pull/7";

    public static Task<ConductorHost> StartAsync(
        CancellationToken cancellationToken, WebhookReceiver? webhook = null, FakeJiraServer? jira = null, TimeProvider? time = null,
        IEnumerable<string>? settings = null, bool deliveryLoop = false) =>
        ConductorHost.StartAsync(
            [
                .. webhook is null ? [] : (string[])["--Notify:Webhooks:0:Name=ops", $"--Notify:Webhooks:0:Url={webhook.Url}", $"--Notify:Webhooks:0:Secret={Secret}"],
                .. jira is null ? [] : (string[])[$"--Jira:SiteUrl={jira.SiteUrl}", $"--Jira:User={JiraUser}", $"--Jira:ApiToken={JiraToken}"],
                $"--Notify:PublicUrl={PublicUrl}",
                "--Notify:PollInterval=00:00:00.050",
                .. settings ?? [],
            ],
            time,
            services: services =>
            {
                if (!deliveryLoop)
                {
                    // Tests that make the passes by hand must not race the background loop.
                    foreach (var loop in services.Where(d => d.ImplementationType == typeof(NotifyService)).ToList())
                    {
                        services.Remove(loop);
                    }
                }
            },
            cancellationToken: cancellationToken);

    public static Task<int> PassAsync(this ConductorHost host, CancellationToken cancellationToken) =>
        host.Services.GetRequiredService<NotifyDeliverer>().RunOnceAsync(cancellationToken);

    /// <summary>Passes until nothing is due (a failing destination keeps its deliveries for later passes, so this ends).</summary>
    public static async Task DrainAsync(this ConductorHost host, CancellationToken cancellationToken)
    {
        for (var pass = 0; pass < 50 && await host.PassAsync(cancellationToken) > 0; pass++)
        {
        }
    }

    /// <summary>A ticket job from the scheduler to a running worker: pending, launching, launched, connected, running.</summary>
    public static async Task<string> RunTicketAsync(ConductorHost host, string key, CancellationToken cancellationToken, string? summary = null)
    {
        var (jobId, token) = await host.LaunchTicketAsync(key, summary, cancellationToken: cancellationToken);
        await StartWorkAsync(host, jobId, token);
        return jobId;
    }

    public static async Task StartWorkAsync(ConductorHost host, string jobId, string token)
    {
        var store = host.Services.GetRequiredService<WorkerJobStore>();
        Assert.True(await store.ConnectAsync(jobId, 1, "1.0.0", $"agent/{jobId}/fix", ConductorHost.T0.AddSeconds(1)));
        Assert.NotNull(await store.TryHeartbeatAsync(jobId, token, "Running", "agent", working: true, ConductorHost.T0.AddSeconds(2)));
    }

    public static Task<bool> FinishAsync(ConductorHost host, string jobId, WorkerResult result) =>
        host.Services.GetRequiredService<WorkerJobStore>().StoreResultAsync(jobId, JobState.Running, result, ConductorHost.T0.AddMinutes(5));

    public static WorkerResult Succeeded(string? pullRequestUrl = PullRequest) => new(
        JobState.Succeeded, new StoredResult("succeeded", pullRequestUrl, "agent/x/fix", "0123abcd"), "Made the retry loop back off.", false,
        new TokenCounts(1200, 300, 80, 20), null, null, ConductorHost.T0, ConductorHost.T0.AddMinutes(4));

    public static WorkerResult Failed(string code, string message) => new(
        JobState.Failed, new StoredResult("failed", null, "agent/x/fix", "0123abcd"), null, false,
        new TokenCounts(500, 0, 40, 0), code, message, ConductorHost.T0, ConductorHost.T0.AddMinutes(4));

    /// <summary>The job's events in commit order: (event id, type).</summary>
    public static List<(string Id, string Type)> Events(this ConductorHost host, string jobId) =>
        [.. host.Strings("SELECT id || ' ' || type FROM notify_events WHERE job_id = @job ORDER BY seq", ("@job", jobId)).Select(s => (s.Split(' ')[0], s.Split(' ')[1]))];

    public static string DeliveryState(this ConductorHost host, string eventId, string destination) =>
        (string)host.Scalar("SELECT state FROM notify_deliveries WHERE event_id = @e AND destination = @d", ("@e", eventId), ("@d", destination))!;
}
