using System.Net;
using System.Text.Json;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>The outbox as the API shows it.</summary>
public sealed class NotifyEndpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Notifications_ListFilterEventAndJob()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, time: time);
        var (jobId, _) = await host.LaunchTicketAsync("PAY-50", cancellationToken: Ct);
        var events = host.Events(jobId);
        receiver.RespondNext(200);
        receiver.RespondNext(500);

        await host.PassAsync(Ct);

        using (var all = await GetJsonAsync(host, "/v1/notifications"))
        {
            var counts = all.RootElement.GetProperty("counts");
            Assert.Equal([2, 1, 0, 0], new[] { "pending", "delivered", "dead", "skipped" }.Select(s => counts.GetProperty(s).GetInt32()));
            Assert.Equal(events.Select(e => e.Id).Reverse(), all.RootElement.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("eventId").GetString()));
        }

        using (var pending = await GetJsonAsync(host, "/v1/notifications?state=pending&limit=1"))
        {
            var row = Assert.Single(pending.RootElement.GetProperty("deliveries").EnumerateArray());
            Assert.Equal(events[2].Id, row.GetProperty("eventId").GetString());
            Assert.Equal(0, row.GetProperty("attempts").GetInt32());
        }

        using (var failed = await GetJsonAsync(host, $"/v1/notifications/{events[1].Id}"))
        {
            Assert.Equal("job.launching", failed.RootElement.GetProperty("event").GetProperty("type").GetString());
            Assert.Equal(jobId, failed.RootElement.GetProperty("event").GetProperty("jobId").GetString());
            var delivery = Assert.Single(failed.RootElement.GetProperty("deliveries").EnumerateArray());
            Assert.Equal("webhook:ops", delivery.GetProperty("destination").GetString());
            Assert.Equal("pending", delivery.GetProperty("state").GetString());
            Assert.Equal(500, delivery.GetProperty("lastStatus").GetInt32());
            Assert.Equal("HTTP 500", delivery.GetProperty("lastError").GetString());
            Assert.True(delivery.GetProperty("nextAttemptAt").GetDateTimeOffset() > time.GetUtcNow());
        }

        using (var notSent = await GetJsonAsync(host, $"/v1/notifications/{events[2].Id}"))
        {
            Assert.Equal(JsonValueKind.Null, notSent.RootElement.GetProperty("event").ValueKind); // fixed at the first attempt
        }

        using (var job = await GetJsonAsync(host, $"/v1/jobs/{jobId}/notifications"))
        {
            Assert.Equal(["delivered", "pending", "pending"], job.RootElement.GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("state").GetString()));
        }

        Assert.Equal(HttpStatusCode.BadRequest, await StatusAsync(host, "/v1/notifications?state=sent"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, "/v1/notifications/evt_nope"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host, "/v1/jobs/nope/notifications"));
        using var retry = await host.Http.PostAsync($"/v1/notifications/{events[0].Id}/webhook:nope/retry", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, retry.StatusCode);
    }

    private static async Task<HttpStatusCode> StatusAsync(ConductorHost host, string path)
    {
        using var response = await host.Http.GetAsync(path, Ct);
        return response.StatusCode;
    }

    private static async Task<JsonDocument> GetJsonAsync(ConductorHost host, string path)
    {
        using var response = await host.Http.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
    }
}
