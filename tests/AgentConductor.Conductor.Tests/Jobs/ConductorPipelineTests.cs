using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Jobs;

/// <summary>
/// The conductor end to end, in-process: a ticket posted to the inbox is dispatched to the launcher with a job token,
/// a worker (played here over real gRPC) handshakes, downloads, heartbeats and reports, and the API shows the result.
/// </summary>
public sealed class ConductorPipelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ticket_PostedThenWorkedByAWorker_EndsSucceededWithItsPullRequest()
    {
        await using var host = await ConductorHost.StartAsync(jobsEngine: true, cancellationToken: Ct);

        var jobId = await PostTicketAsync(host, "PAY-412");
        var launch = await LaunchedAsync(host, jobId);

        Assert.Equal(host.WorkerAddress.GetLeftPart(UriPartial.Authority), launch.ConductorUrl);
        Assert.Equal("https://github.example/acme/app.git", launch.CloneUrl);
        Assert.Equal(43, launch.Token.Length);
        Assert.DoesNotContain(launch.Token, launch.ToString(), StringComparison.Ordinal);
        var auth = ConductorHost.Bearer(launch.Token);

        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, auth.WithCancellationToken(Ct)).ResponseAsync).Job;
        var files = 0;
        await foreach (var chunk in host.Worker.DownloadAllAsync(new DownloadTaskFilesRequest { JobId = jobId }, auth.WithCancellationToken(Ct)))
        {
            files += chunk.Header is null ? 0 : 1;
        }

        await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent }, auth.WithCancellationToken(Ct)).ResponseAsync;
        Assert.Equal("running", host.State(jobId));
        await host.Worker.ReportResultAsync(new ReportResultRequest { JobId = jobId, Status = ResultStatus.Succeeded, PullRequestUrl = "https://github.example/acme/app/pull/7", Branch = spec.BranchName, Summary = "Fixed it" }, auth.WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal(spec.TaskFiles.Count, files);
        Assert.StartsWith($"agent/{jobId}/", spec.BranchName, StringComparison.Ordinal);
        using var job = JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{jobId}", Ct));
        Assert.Equal("succeeded", job.RootElement.GetProperty("job").GetProperty("state").GetString());
        Assert.Equal(
            ["pending", "launching", "launched", "connected", "running", "succeeded"],
            job.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to").GetString()));
    }

    [Fact]
    public async Task Cancel_PendingJobWaitingForItsRepository_IsCancelledAtOnce()
    {
        await using var host = await ConductorHost.StartAsync(jobsEngine: true, cancellationToken: Ct);
        var first = await PostTicketAsync(host, "PAY-1");
        await Eventually.ValueAsync(() => host.Launcher.Launches.FirstOrDefault(l => l.JobId == first), Ct);
        var second = await PostTicketAsync(host, "PAY-2");

        using var response = await host.Http.PostAsync($"/v1/jobs/{second}/cancel?reason=duplicate", null, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", host.State(second));
        Assert.DoesNotContain(host.Launcher.Launches, l => l.JobId == second);
    }

    [Fact]
    public async Task Cancel_RunningJob_IsRequestedAndTheWorkerHearsItAtItsNextHeartbeat()
    {
        await using var host = await ConductorHost.StartAsync(jobsEngine: true, cancellationToken: Ct);
        var jobId = await PostTicketAsync(host, "PAY-1");
        var launch = await LaunchedAsync(host, jobId);
        var auth = ConductorHost.Bearer(launch.Token);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, auth.WithCancellationToken(Ct)).ResponseAsync;

        using var response = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=wrong+repository", null, Ct);
        var heartbeat = await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.RunningAgent }, auth.WithCancellationToken(Ct)).ResponseAsync;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(heartbeat.CancelRequested);
        Assert.Contains("wrong repository", heartbeat.CancelReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_UnknownJob_Is404()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);

        using var response = await host.Http.PostAsync("/v1/jobs/nope/cancel", null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>
    /// The launch request, once the dispatcher has recorded the job as <c>launched</c>: a worker that calls earlier is
    /// told UNAVAILABLE and retries (the real client does), which this test does not replay.
    /// </summary>
    private static async Task<AgentConductor.Conductor.Launching.LaunchRequest> LaunchedAsync(ConductorHost host, string jobId)
    {
        var launch = await Eventually.ValueAsync(() => host.Launcher.Launches.FirstOrDefault(l => l.JobId == jobId), Ct);
        await Eventually.ValueAsync(() => host.State(jobId) == "launched" ? "launched" : null, Ct);
        return launch;
    }

    private static async Task<string> PostTicketAsync(ConductorHost host, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(Messages.TicketCreated(key, T0), Encoding.UTF8, "application/json") };
        using var response = await host.Http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }
}
