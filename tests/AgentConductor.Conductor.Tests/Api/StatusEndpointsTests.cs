using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Api;

public sealed class StatusEndpointsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Status_AfterTicketsAndAlarms_CountsJobsAndListsThem()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await PostAsync(host, Messages.TicketCreated("PAY-1", T0), "t1");
        await PostAsync(host, Messages.Alarm("111122223333", T0), "a1");
        await PostAsync(host, Messages.Alarm("111122223333", T0.AddMinutes(5), "OK"), "o1");

        using var status = await GetAsync(host, "/v1/status");
        using var jobs = await GetAsync(host, "/v1/jobs?state=pending");
        using var incidents = await GetAsync(host, "/v1/incidents");

        Assert.Equal("Open", status.RootElement.GetProperty("gate").GetString());
        Assert.Equal(2, status.RootElement.GetProperty("pendingJobs").GetInt64());
        Assert.Equal(0, status.RootElement.GetProperty("activeJobs").GetInt64());
        Assert.Equal(2, jobs.RootElement.GetProperty("jobs").GetArrayLength());
        var incident = incidents.RootElement.GetProperty("incidents")[0];
        Assert.Equal("111122223333", incident.GetProperty("account").GetString());
        Assert.Equal(1, incident.GetProperty("contextAlarms").GetInt32());
        Assert.Equal("pending", incident.GetProperty("jobState").GetString());
    }

    [Fact]
    public async Task Job_ById_ShowsItsAuditTrail()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var posted = await PostAsync(host, Messages.TicketCreated("PAY-1", T0), "t1");
        var jobId = posted.RootElement.GetProperty("decisions")[0].GetProperty("jobId").GetString();

        using var job = await GetAsync(host, $"/v1/jobs/{jobId}");

        Assert.Equal("PAY-1", job.RootElement.GetProperty("job").GetProperty("ticketKey").GetString());
        Assert.Equal("pending", job.RootElement.GetProperty("events")[0].GetProperty("to").GetString());
    }

    [Fact]
    public async Task Job_Unknown_Is404()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var response = await host.Http.GetAsync("/v1/jobs/nope", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Jobs_UnknownState_Is400()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var response = await host.Http.GetAsync("/v1/jobs?state=sleeping", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ApiKey_WhenConfigured_IsRequiredOnV1ButNotOnHealth()
    {
        const string Key = "a-long-enough-test-api-key";
        await using var host = await ConductorHost.StartAsync([$"--Api:Key={Key}"], cancellationToken: TestContext.Current.CancellationToken);

        using var anonymous = await host.Http.GetAsync("/v1/status", TestContext.Current.CancellationToken);
        using var health = await host.Http.GetAsync("/healthz/live", TestContext.Current.CancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/status");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var authorized = await host.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
    }

    [Fact]
    public async Task Run_ListeningBeyondLoopbackWithoutKey_RefusesToStart()
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://0.0.0.0:0"],
            new Dictionary<string, string> { ["Storage__DatabasePath"] = directory.File("c.db") },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("Api:Key is required", stderr, StringComparison.Ordinal);
    }

    private static async Task<JsonDocument> PostAsync(ConductorHost host, string body, string messageId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Message-Id", messageId);
        using var response = await host.Http.SendAsync(request, TestContext.Current.CancellationToken);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private static async Task<JsonDocument> GetAsync(ConductorHost host, string path) =>
        JsonDocument.Parse(await host.Http.GetStringAsync(path, TestContext.Current.CancellationToken));
}
