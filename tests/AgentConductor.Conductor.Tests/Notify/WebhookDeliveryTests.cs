using System.Net;
using System.Text.Json;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Notify;

/// <summary>Signed webhooks against a receiver that verifies them: what is sent, retries, dead letters, timeouts.</summary>
public sealed class WebhookDeliveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pass_JobLife_DeliversEveryChangeSignedOnceInOrder()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, time: time);
        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-10", Ct, summary: "Retry loop spins </p><script>alert(1)</script>");
        host.Execute("UPDATE jobs SET repository = 'https://github.example/acme/app.git' WHERE id = @id", ("@id", jobId));
        await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded());

        await host.DrainAsync(Ct);

        receiver.AssertNoFailures();
        var received = receiver.Received.ToList();
        Assert.Equal(host.Events(jobId).Select(e => e.Id), received.Select(r => r.EventId));
        Assert.Equal(["job.pending", "job.launching", "job.launched", "job.connected", "job.running", "job.succeeded"], received.Select(r => r.Type));
        Assert.All(received, r => Assert.Equal(1, r.Attempt));
        Assert.All(received, r => Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), r.Timestamp));

        var done = received[^1].Json;
        Assert.Equal(1, done.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(jobId, done.GetProperty("jobId").GetString());
        Assert.Equal("ticket", done.GetProperty("kind").GetString());
        Assert.Equal("running", done.GetProperty("fromState").GetString());
        Assert.Equal("succeeded", done.GetProperty("toState").GetString());
        Assert.Equal("worker reported succeeded", done.GetProperty("reason").GetString());
        Assert.Equal(ConductorHost.T0.AddMinutes(5), done.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("PAY-10", done.GetProperty("ticket").GetProperty("key").GetString());
        Assert.Equal("Retry loop spins </p><script>alert(1)</script>", done.GetProperty("ticket").GetProperty("summary").GetString());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("incident").ValueKind);
        Assert.Equal("https://github.example/acme/app.git", done.GetProperty("repository").GetString());
        Assert.Equal("agent/x/fix", done.GetProperty("branch").GetString());
        Assert.Equal(NotifyHost.PullRequest, done.GetProperty("pullRequestUrl").GetString());
        Assert.Equal(1200, done.GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal(80, done.GetProperty("usage").GetProperty("outputTokens").GetInt64());
        Assert.Equal(JsonValueKind.Null, done.GetProperty("cost").ValueKind);
        Assert.Equal($"{NotifyHost.PublicUrl}/#/jobs/{jobId}", done.GetProperty("links").GetProperty("job").GetString());
        Assert.Equal($"{NotifyHost.PublicUrl}/v1/jobs/{jobId}", done.GetProperty("links").GetProperty("api").GetString());
        Assert.DoesNotContain("<script>", received[^1].Body, StringComparison.Ordinal); // escaped as \u003C in the JSON text

        // An earlier event does not borrow the result that came later.
        var running = received[4].Json;
        Assert.Equal(JsonValueKind.Null, running.GetProperty("pullRequestUrl").ValueKind);
        Assert.Equal(JsonValueKind.Null, running.GetProperty("usage").ValueKind);
        Assert.Equal($"agent/{jobId}/fix", running.GetProperty("branch").GetString());

        using var api = await GetJsonAsync(host, $"/v1/jobs/{jobId}/notifications");
        var deliveries = api.RootElement.GetProperty("deliveries").EnumerateArray().ToList();
        Assert.Equal(6, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal("delivered", d.GetProperty("state").GetString()));
        Assert.All(deliveries, d => Assert.Equal(200, d.GetProperty("lastStatus").GetInt32()));
    }

    [Fact]
    public async Task Pass_ReceiverFails_RetriedWithBackoffAndTheSameId_LoggedOnce()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, time: time, settings: ["--Notify:Webhooks:0:Events:0=job.launching"]);
        await host.LaunchTicketAsync("PAY-11", cancellationToken: Ct);
        var eventId = host.Strings("SELECT id FROM notify_events").Single();
        receiver.RespondNext(500, count: 2);

        Assert.Equal(1, await host.PassAsync(Ct));
        var due = UnixTime.FromMs((long)host.Scalar("SELECT due_at FROM notify_deliveries")!);
        Assert.InRange(due - time.GetUtcNow(), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30));
        Assert.Equal(0, await host.PassAsync(Ct)); // not due yet
        Assert.Equal("pending", host.DeliveryState(eventId, "webhook:ops"));
        Assert.Equal(500L, host.Scalar("SELECT last_status FROM notify_deliveries"));
        Assert.Equal("HTTP 500", host.Scalar("SELECT last_error FROM notify_deliveries"));

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, await host.PassAsync(Ct));
        due = UnixTime.FromMs((long)host.Scalar("SELECT due_at FROM notify_deliveries")!);
        Assert.InRange(due - time.GetUtcNow(), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(1, await host.PassAsync(Ct));

        Assert.Equal("delivered", host.DeliveryState(eventId, "webhook:ops"));
        Assert.Equal(3L, host.Scalar("SELECT attempts FROM notify_deliveries"));
        Assert.Equal([eventId, eventId, eventId], receiver.EventIds);
        Assert.Equal([1, 2, 3], receiver.Received.Select(r => r.Attempt));
        Assert.Single(receiver.Received.Select(r => r.Body).Distinct());
        Assert.Single(host.Logs.Entries, e => e.EventName == "NotifyDestinationFailing");
        Assert.Single(host.Logs.Entries, e => e.EventName == "NotifyDestinationRecovered");
        Assert.Equal(2, host.Logs.Entries.Count(e => e.EventName == "NotifyAttemptFailed"));
    }

    [Fact]
    public async Task Pass_Gone_DeadLettersAtOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, settings: ["--Notify:Webhooks:0:Events:0=job.launching"]);
        await host.LaunchTicketAsync("PAY-12", cancellationToken: Ct);
        receiver.RespondNext(410);

        await host.DrainAsync(Ct);

        Assert.Equal("dead", host.Scalar("SELECT state FROM notify_deliveries"));
        Assert.Equal(1L, host.Scalar("SELECT attempts FROM notify_deliveries"));
        Assert.StartsWith("HTTP 410", (string)host.Scalar("SELECT last_error FROM notify_deliveries")!, StringComparison.Ordinal);
        Assert.Single(receiver.Received);
        Assert.Single(host.Logs.Entries, e => e.EventName == "NotifyDeliveryDead");
    }

    [Fact]
    public async Task Pass_FailsMaxAttempts_DeadLetters_ThenTheRetryEndpointRequeuesIt()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(
            Ct, receiver, time: time, settings: ["--Notify:Webhooks:0:Events:0=job.launching", "--Notify:MaxAttempts=2"]);
        await host.LaunchTicketAsync("PAY-13", cancellationToken: Ct);
        var eventId = host.Strings("SELECT id FROM notify_events").Single();
        receiver.RespondNext(503, count: 2);

        await host.PassAsync(Ct);
        time.Advance(TimeSpan.FromHours(1));
        await host.PassAsync(Ct);

        Assert.Equal("dead", host.DeliveryState(eventId, "webhook:ops"));
        Assert.Equal("HTTP 503 (gave up after 2 attempts, Notify:MaxAttempts)", host.Scalar("SELECT last_error FROM notify_deliveries"));
        using (var dead = await GetJsonAsync(host, "/v1/notifications?state=dead"))
        {
            Assert.Equal(1, dead.RootElement.GetProperty("counts").GetProperty("dead").GetInt32());
            var row = dead.RootElement.GetProperty("deliveries").EnumerateArray().Single();
            Assert.Equal(eventId, row.GetProperty("eventId").GetString());
            Assert.Equal(2, row.GetProperty("attempts").GetInt32());
            Assert.Equal(JsonValueKind.Null, row.GetProperty("nextAttemptAt").ValueKind);
        }

        using var retry = await host.Http.PostAsync($"/v1/notifications/{eventId}/webhook:ops/retry", null, Ct);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        await host.PassAsync(Ct);

        Assert.Equal("delivered", host.DeliveryState(eventId, "webhook:ops"));
        Assert.Equal([eventId, eventId, eventId], receiver.EventIds);
        using var again = await host.Http.PostAsync($"/v1/notifications/{eventId}/webhook:ops/retry", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Pass_ReceiverDoesNotAnswer_TimesOutOnTheClockAndIsRetried()
    {
        var time = new TimerTrackingTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(
            Ct, receiver, time: time, settings: ["--Notify:Webhooks:0:Events:0=job.launching", "--Notify:RequestTimeout=00:00:05"]);
        await host.LaunchTicketAsync("PAY-14", cancellationToken: Ct);
        receiver.HoldNext();
        var timers = time.PendingTimers;

        var pass = host.PassAsync(Ct);
        await Eventually.ValueAsync(() => receiver.Held == 1 ? "held" : null, Ct);
        await time.WaitForTimersAsync(timers + 1);
        time.Advance(TimeSpan.FromSeconds(5));
        await pass;

        Assert.Equal("pending", host.Scalar("SELECT state FROM notify_deliveries"));
        Assert.Equal("no answer within 5 s (Notify:RequestTimeout)", host.Scalar("SELECT last_error FROM notify_deliveries"));
        time.Advance(TimeSpan.FromSeconds(30));
        await host.PassAsync(Ct);
        Assert.Equal("delivered", host.Scalar("SELECT state FROM notify_deliveries"));
        Assert.Equal(2, receiver.Received.Count);
        Assert.Single(receiver.EventIds.Distinct());
    }

    [Fact]
    public async Task Pass_RetryAfterLongerThanTheBackoff_WaitsAsLongAsAsked()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, time: time, settings: ["--Notify:Webhooks:0:Events:0=job.launching"]);
        await host.LaunchTicketAsync("PAY-15", cancellationToken: Ct);
        receiver.RespondNext(429, retryAfter: "600");

        await host.PassAsync(Ct);

        Assert.Equal(UnixTime.ToMs(time.GetUtcNow().AddSeconds(600)), host.Scalar("SELECT due_at FROM notify_deliveries"));
        time.Advance(TimeSpan.FromSeconds(599));
        Assert.Equal(0, await host.PassAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await host.PassAsync(Ct));
        Assert.Equal("delivered", host.Scalar("SELECT state FROM notify_deliveries"));
    }

    [Fact]
    public async Task Pass_ClaimThatNeverRecordedAnOutcome_IsTakenAgainOnceStale()
    {
        var time = new FakeTimeProvider(ConductorHost.T0.AddMinutes(10));
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret, time);
        await using var host = await NotifyHost.StartAsync(Ct, receiver, time: time, settings: ["--Notify:Webhooks:0:Events:0=job.launching"]);
        await host.LaunchTicketAsync("PAY-17", cancellationToken: Ct);
        // As an attempt whose outcome could not be written (the database refused) leaves its row: claimed, in flight.
        host.Execute("UPDATE notify_deliveries SET attempts = 1, claimed_at = @at", ("@at", UnixTime.ToMs(time.GetUtcNow())));

        Assert.Equal(0, await host.PassAsync(Ct));
        time.Advance(TimeSpan.FromSeconds(10 * 4) + TimeSpan.FromMinutes(1)); // 4 x Notify:RequestTimeout + 1 min
        Assert.Equal(0, await host.PassAsync(Ct));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, await host.PassAsync(Ct));

        Assert.Equal("delivered", host.Scalar("SELECT state FROM notify_deliveries"));
        Assert.Equal(2, Assert.Single(receiver.Received).Attempt);
    }

    [Fact]
    public async Task DeliveryLoop_ReceiverDown_JobsRunToTheEndAndTheFailuresShowInTheApi()
    {
        await using var receiver = await WebhookReceiver.StartAsync(NotifyHost.Secret);
        var url = receiver.Url;
        await receiver.DisposeAsync();
        await using var host = await ConductorHost.StartAsync(
            ["--Notify:Webhooks:0:Name=down", $"--Notify:Webhooks:0:Url={url}", $"--Notify:Webhooks:0:Secret={NotifyHost.Secret}", "--Notify:PollInterval=00:00:00.050"],
            cancellationToken: Ct);

        var jobId = await NotifyHost.RunTicketAsync(host, "PAY-16", Ct);
        Assert.True(await NotifyHost.FinishAsync(host, jobId, NotifyHost.Succeeded()));
        await Eventually.ValueAsync(() => (long)host.Scalar("SELECT count(*) FROM notify_deliveries WHERE last_error IS NOT NULL")! > 0 ? "tried" : null, Ct);

        Assert.Equal("succeeded", host.State(jobId));
        using var api = await GetJsonAsync(host, "/v1/notifications?state=pending&destination=webhook:down");
        var tried = api.RootElement.GetProperty("deliveries").EnumerateArray().First(d => d.GetProperty("lastError").ValueKind == JsonValueKind.String);
        Assert.StartsWith("request failed:", tried.GetProperty("lastError").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, tried.GetProperty("lastStatus").ValueKind);
        Assert.Single(host.Logs.Entries, e => e.EventName == "NotifyDestinationFailing");
    }

    private static async Task<JsonDocument> GetJsonAsync(ConductorHost host, string path)
    {
        using var response = await host.Http.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
    }
}
