using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Tests.WorkerApi;
using AgentConductor.Conductor.WorkerApi;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Api;

/// <summary><c>GET /v1/jobs/{id}</c>, <c>/v1/jobs</c> and <c>/v1/queue</c> show every stored fact about a job.</summary>
public sealed class JobDetailTests
{
    private static readonly DateTimeOffset T0 = ConductorHost.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Job_Running_ShowsTheLivePhaseAndStepNotTheOneItStartedWith()
    {
        var clock = new FakeTimeProvider(T0);
        await using var host = await ConductorHost.StartAsync(timeProvider: clock, cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, "PAY-1", Ct);
        host.Execute("UPDATE tickets SET summary = 'Fix the refund endpoint' WHERE key = 'PAY-1'");
        await HeartbeatAsync(host, jobId, token, WorkerPhase.Cloning, "");
        clock.Advance(TimeSpan.FromSeconds(90));

        // Later heartbeats of a running job are answered from memory and written by the flush.
        await HeartbeatAsync(host, jobId, token, WorkerPhase.RunningAgent, "agent turn 3");
        await host.Services.GetRequiredService<HeartbeatFlusher>().FlushAsync(Ct);
        host.Execute("UPDATE jobs SET input_tokens = 1200, cached_input_tokens = 200, output_tokens = 300, reasoning_output_tokens = 40 WHERE id = @id", ("@id", jobId));

        using var detail = await GetAsync(host, $"/v1/jobs/{jobId}");
        var job = detail.RootElement.GetProperty("job");
        Assert.Equal("running", job.GetProperty("state").GetString());
        Assert.Equal("running_agent", job.GetProperty("phase").GetString());
        Assert.Equal("agent turn 3", job.GetProperty("step").GetString());
        Assert.Equal("Fix the refund endpoint", job.GetProperty("title").GetString());
        Assert.StartsWith($"agent/{jobId}/", job.GetProperty("branch").GetString(), StringComparison.Ordinal);
        Assert.Equal(90_000, job.GetProperty("durationMs").GetInt64());
        Assert.Equal(90_000, job.GetProperty("runMs").GetInt64());
        Assert.Equal(JsonValueKind.Null, job.GetProperty("endedAt").ValueKind);
        Assert.Equal(T0.AddSeconds(90), job.GetProperty("lastHeartbeatAt").GetDateTimeOffset());
        Assert.Equal(1200, job.GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal(40, job.GetProperty("usage").GetProperty("reasoningOutputTokens").GetInt64());
        Assert.Equal("PAY-1", detail.RootElement.GetProperty("ticket").GetProperty("key").GetString());
        Assert.Equal(JsonValueKind.Null, detail.RootElement.GetProperty("result").ValueKind);

        // One shape: the job in the list is the job on its own.
        using var list = await GetAsync(host, "/v1/jobs");
        Assert.Equal(job.GetRawText(), list.RootElement.GetProperty("jobs")[0].GetRawText());
    }

    [Fact]
    public async Task Job_Ended_ShowsItsResultCommitPullRequestAndReportedUsage()
    {
        var clock = new FakeTimeProvider(T0);
        await using var host = await ConductorHost.StartAsync(timeProvider: clock, cancellationToken: Ct);
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, "PAY-2", Ct);
        clock.Advance(TimeSpan.FromMinutes(5));

        await host.Worker.ReportResultAsync(
            new ReportResultRequest
            {
                JobId = jobId, Status = ResultStatus.Succeeded, PullRequestUrl = "https://github.example/acme/app/pull/7", Branch = $"agent/{jobId}/fix",
                HeadCommit = "0123456789abcdef0123456789abcdef01234567", Summary = "Fixed the refund endpoint.",
                Usage = new TokenUsage { InputTokens = 5000, OutputTokens = 700 },
                StartedAt = Timestamp.FromDateTimeOffset(T0), FinishedAt = Timestamp.FromDateTimeOffset(T0.AddMinutes(5)),
            },
            ConductorHost.Bearer(token).WithCancellationToken(Ct));
        clock.Advance(TimeSpan.FromMinutes(10));

        using var detail = await GetAsync(host, $"/v1/jobs/{jobId}");
        var job = detail.RootElement.GetProperty("job");
        var result = detail.RootElement.GetProperty("result");
        Assert.Equal("succeeded", job.GetProperty("state").GetString());
        Assert.Equal("https://github.example/acme/app/pull/7", job.GetProperty("pullRequestUrl").GetString());
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", job.GetProperty("commit").GetString());
        Assert.Equal($"agent/{jobId}/fix", job.GetProperty("branch").GetString());
        Assert.Equal(T0.AddMinutes(5), job.GetProperty("endedAt").GetDateTimeOffset());
        Assert.Equal(300_000, job.GetProperty("durationMs").GetInt64());
        Assert.Equal(5000, job.GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.Equal("Fixed the refund endpoint.", result.GetProperty("summary").GetString());
        Assert.Equal(700, result.GetProperty("usage").GetProperty("outputTokens").GetInt64());
        Assert.Equal("succeeded", detail.RootElement.GetProperty("events").EnumerateArray().Last().GetProperty("to").GetString());
    }

    [Fact]
    public async Task Job_Pending_SaysWhyItWaitsAndTheQueueListsItInOrder()
    {
        await using var host = await ConductorHost.StartAsync(["--Dispatch:MaxActive=1"], jobsEngine: true, cancellationToken: Ct);
        var launched = await PostTicketAsync(host, "PAY-3");
        await Eventually.ValueAsync(() => host.State(launched) == "launched" ? "" : null, Ct);
        var waiting = await PostTicketAsync(host, "PAY-4");
        var next = await PostTicketAsync(host, "PAY-5");

        using var detail = await GetAsync(host, $"/v1/jobs/{waiting}");
        using var queue = await GetAsync(host, "/v1/queue");
        using var active = await GetAsync(host, $"/v1/jobs/{launched}");

        Assert.Equal("https://github.example/acme/app", active.RootElement.GetProperty("job").GetProperty("repository").GetString());
        Assert.Equal(JsonValueKind.Null, active.RootElement.GetProperty("job").GetProperty("waitReason").ValueKind);

        var wait = detail.RootElement.GetProperty("job").GetProperty("waitReason");
        Assert.Equal(1, wait.GetProperty("position").GetInt32());
        Assert.Equal("max_active", wait.GetProperty("reason").GetString());
        Assert.Contains("Dispatch:MaxActive (1)", wait.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            [(1, waiting, "max_active"), (2, next, "max_active")],
            queue.RootElement.GetProperty("queue").EnumerateArray().Select(e => (e.GetProperty("position").GetInt32(), e.GetProperty("job").GetProperty("id").GetString(), e.GetProperty("reason").GetString())));
    }

    [Fact]
    public async Task Cancel_ActiveJob_TheAuditTrailShowsTheRequestAndItsReason()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-6", cancellationToken: Ct);

        using var requested = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=wrong+repository", null, Ct);
        using var detail = await GetAsync(host, $"/v1/jobs/{jobId}");

        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        Assert.Contains("\"outcome\":\"requested\"", await requested.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var request = detail.RootElement.GetProperty("events").EnumerateArray().Last();
        Assert.Equal(("cancel_requested", "wrong repository"), (request.GetProperty("event").GetString(), request.GetProperty("reason").GetString()));
        Assert.Equal("wrong repository", detail.RootElement.GetProperty("job").GetProperty("cancelReason").GetString());

        host.Write(writer => writer.TryMove(jobId, Conductor.Jobs.JobState.Launched, Conductor.Jobs.JobState.Cancelled, "stopped", T0.AddHours(1)));
        using var ended = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Contains("\"outcome\":\"already_ended\"", await ended.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Incident_ById_ListsItsAlarms()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        await PostAsync(host, Messages.Alarm("111122223333", T0, name: "orders-api-5xx"));
        await PostAsync(host, Messages.Alarm("111122223333", T0.AddMinutes(3), name: "orders-db-cpu"));

        using var incident = await GetAsync(host, "/v1/incidents/1");
        using var missing = await host.Http.GetAsync("/v1/incidents/99", Ct);

        Assert.Equal(2, incident.RootElement.GetProperty("incident").GetProperty("alarms").GetInt32());
        Assert.Equal(["orders-api-5xx", "orders-db-cpu"], incident.RootElement.GetProperty("alarms").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Jobs_FilteredByKind_OnlyThatKind()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        await PostTicketAsync(host, "PAY-8");
        await PostAsync(host, Messages.Alarm("111122223333", T0));

        using var incidents = await GetAsync(host, "/v1/jobs?kind=incident");
        using var bad = await host.Http.GetAsync("/v1/jobs?kind=other", Ct);

        var job = Assert.Single(incidents.RootElement.GetProperty("jobs").EnumerateArray());
        Assert.Equal("Incident 1 in account 111122223333: orders-api-5xx", job.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    internal static async Task<JsonDocument> GetAsync(ConductorHost host, string path)
    {
        using var response = await host.Http.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    internal static async Task<string> PostTicketAsync(ConductorHost host, string key)
    {
        using var answer = await PostAsync(host, Messages.TicketCreated(key, T0));
        return answer.RootElement.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }

    private static async Task<JsonDocument> PostAsync(ConductorHost host, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await host.Http.PostAsync("/v1/events", content, Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
    }

    private static async Task<HeartbeatResponse> HeartbeatAsync(ConductorHost host, string jobId, string token, WorkerPhase phase, string step) =>
        await host.Worker.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = phase, CurrentStep = step }, ConductorHost.Bearer(token).WithCancellationToken(Ct));
}
