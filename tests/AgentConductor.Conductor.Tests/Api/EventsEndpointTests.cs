using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Api;

public sealed class EventsEndpointTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Post_Ticket_StoresItAndReturnsTheDecision()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var response = await PostAsync(host, Messages.TicketCreated("PAY-412", T0), "m1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var body = await ReadAsync(response);
        Assert.Equal("stored", body.RootElement.GetProperty("disposition").GetString());
        var decision = body.RootElement.GetProperty("decisions")[0];
        Assert.Equal("ticket", decision.GetProperty("kind").GetString());
        Assert.Equal("PAY-412", decision.GetProperty("ticketKey").GetString());
        Assert.Equal(26, decision.GetProperty("jobId").GetString()!.Length);
    }

    [Fact]
    public async Task Post_SameBodyTwiceWithoutId_IsStoredOnce()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var body = Messages.Alarm("111122223333", T0);

        using var first = await PostAsync(host, body);
        using var second = await PostAsync(host, body);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        using var answer = await ReadAsync(second);
        Assert.Equal("duplicate", answer.RootElement.GetProperty("disposition").GetString());
        Assert.StartsWith("eventbridge:", answer.RootElement.GetProperty("messageId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Garbage_IsRejectedWithReasonAndStored()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        using var response = await PostAsync(host, "{\"hello\": ", "bad-1");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var answer = await ReadAsync(response);
        Assert.Equal("malformed_json", answer.RootElement.GetProperty("reason").GetString());
        using var jobs = await ReadAsync(await host.Http.GetAsync("/v1/status", TestContext.Current.CancellationToken));
        Assert.Equal(0, jobs.RootElement.GetProperty("pendingJobs").GetInt64());
    }

    [Fact]
    public async Task Post_OverSizeBody_IsRejectedAsTooLargeWithoutReadingItAll()
    {
        await using var host = await ConductorHost.StartAsync(["--Intake:MaxBodyBytes=2048"], cancellationToken: TestContext.Current.CancellationToken);

        using var response = await PostAsync(host, "{\"pad\":\"" + new string('x', 200_000) + "\"}", "big");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var answer = await ReadAsync(response);
        Assert.Equal("too_large", answer.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Post_WhileShutdownFlagIsSet_Refuses503AndStoresNothing()
    {
        await using var host = await ConductorHost.StartAsync(["--Shutdown:PollInterval=00:10:00"], cancellationToken: TestContext.Current.CancellationToken);
        File.WriteAllText(host.FlagPath, "true");
        host.Services.GetRequiredService<AgentConductor.Conductor.Shutdown.ShutdownGate>().Check();

        using var response = await PostAsync(host, Messages.TicketCreated("PAY-1", T0), "m1");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var status = await ReadAsync(await host.Http.GetAsync("/v1/jobs", TestContext.Current.CancellationToken));
        Assert.Equal(0, status.RootElement.GetProperty("jobs").GetArrayLength());
    }

    private static Task<HttpResponseMessage> PostAsync(ConductorHost host, string body, string? messageId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (messageId is not null)
        {
            request.Headers.Add("X-Message-Id", messageId);
        }

        return host.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
}
