using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Feed;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.Conductor.Tests.Intake.Sqs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Conductor.Tests.Feed;

/// <summary><c>feed serve</c>'s server on 127.0.0.1, posted to over real HTTP, sending to the local-aws-sqs emulator.</summary>
public sealed class JiraFeedServerTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private const string Secret = "feed-test-secret-0123456789";
    private static readonly string Sample = File.ReadAllText(Path.Combine(RepoPaths.SharedSamples, "jira-webhook-issue-created.json"));
    private static readonly SqsReceiveOptions Receive = new(10, TimeSpan.FromSeconds(1), null, [SqsMessageKey.AttributeName, JiraFeedPublisher.IssueKeyAttribute]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqsEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task Post_SignedWebhook_IsQueuedVerbatimWithItsKeys()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);

        using var response = await PostAsync(feed.Http, Sample, JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(Sample)), identifier: "5e2c1f0a-delivery");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var message = Assert.Single(await Emulator.Client.ReceiveAsync(queue, Receive, Ct));
        Assert.Equal(answer.RootElement.GetProperty("sent").GetString(), message.MessageId);
        Assert.Equal(Sample, message.Body);
        Assert.Equal("jira-webhook:5e2c1f0a-delivery", message.Attributes[SqsMessageKey.AttributeName]);
        Assert.Equal("PAY-412", message.Attributes[JiraFeedPublisher.IssueKeyAttribute]);
    }

    [Fact]
    public async Task Post_BadOrMissingSignature_Is401AndQueuesNothing()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);

        using var wrongSecret = await PostAsync(feed.Http, Sample, JiraWebhookAuth.Sign("not-the-feed-secret", Encoding.UTF8.GetBytes(Sample)));
        using var tampered = await PostAsync(feed.Http, Sample.Replace("PAY-412", "PAY-413", StringComparison.Ordinal), JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(Sample)));
        using var unsigned = await PostAsync(feed.Http, Sample, signature: null);
        using var plain = await PostAsync(feed.Http, Sample, signature: null, query: "?secret=" + Secret);

        Assert.All([wrongSecret, tampered, unsigned, plain], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.DoesNotContain(Secret, await plain.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Post_PlainSecretWhenAllowed_IsQueued()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue, allowPlainSecret: true);

        using var query = await PostAsync(feed.Http, Sample, signature: null, query: "?secret=" + Secret);
        using var wrong = await PostAsync(feed.Http, Sample, signature: null, query: "?secret=nope-nope-nope-nope");

        Assert.Equal(HttpStatusCode.Accepted, query.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(1, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Post_FilteredOutOrNotJira_QueuesNothing()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue, projects: ["OPS"]);
        var alarm = Messages.Alarm("111122223333", DateTimeOffset.UnixEpoch);

        using var otherProject = await PostAsync(feed.Http, Sample, JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(Sample)));
        using var notJira = await PostAsync(feed.Http, alarm, JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(alarm)));

        Assert.Equal(HttpStatusCode.OK, otherProject.StatusCode);
        Assert.Contains("project PAY is not one of OPS", await otherProject.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJira.StatusCode);
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Post_RetriedWebhookToAFifoQueue_IsQueuedOnce()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed", fifo: true), new Dictionary<string, string> { ["FifoQueue"] = "true" }, Ct);
        await using var feed = await StartAsync(queue);
        var signature = JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(Sample));

        using var first = await PostAsync(feed.Http, Sample, signature, identifier: "delivery-1");
        using var retry = await PostAsync(feed.Http, Sample, signature, identifier: "delivery-1");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, retry.StatusCode);
        Assert.Equal(1, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Post_RetriedWebhookToAStandardQueue_IsStoredOnceByTheConductor()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);
        var signature = JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(Sample));
        (await PostAsync(feed.Http, Sample, signature, identifier: "delivery-2")).Dispose();
        (await PostAsync(feed.Http, Sample, signature, identifier: "delivery-2")).Dispose();
        using var rig = new SqsIntakeRig();
        var poller = rig.Poller(Emulator.Client, new SqsIntakeOptions { QueueUrl = queue, WaitTimeSeconds = 1 });

        var received = 0;
        for (var poll = 0; poll < 5 && received < 2; poll++)
        {
            received += (await poller.RunOnceAsync(Ct)).Received;
        }

        Assert.Equal(2, received);
        Assert.Equal(1L, rig.Count("events", "message_id = 'jira-webhook:delivery-2'"));
        Assert.Equal(1L, rig.Count("jobs", "ticket_key = 'PAY-412'"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task Post_SqsUnreachable_Is502SoJiraRetries()
    {
        await using var feed = await StartAsync($"{Emulator.Url}{SqsEmulator.AccountId}/no-such-queue-{Guid.NewGuid():N}");

        using var response = await PostAsync(feed.Http, Sample, JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(Sample)));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("could not queue PAY-412", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverTheIntakeLimit_Is413AndQueuesNothing()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("feed"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);
        var limit = new IntakeOptions().MaxBodyBytes;
        var atLimit = Sample + new string(' ', limit - Encoding.UTF8.GetByteCount(Sample));
        var overLimit = atLimit + " ";

        using var over = await PostAsync(feed.Http, overLimit, JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(overLimit)));
        using var at = await PostAsync(feed.Http, atLimit, JiraWebhookAuth.Sign(Secret, Encoding.UTF8.GetBytes(atLimit)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Contains($"over {limit} bytes", await over.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, at.StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, at.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string body, string? signature, string? identifier = null, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, JiraFeedServer.WebhookPath + query) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.Add(JiraWebhookAuth.SignatureHeader, signature);
        }

        if (identifier is not null)
        {
            request.Headers.Add(JiraFeedServer.WebhookIdentifierHeader, identifier);
        }

        return await http.SendAsync(request, Ct);
    }

    private async Task<RunningFeed> StartAsync(string queue, bool allowPlainSecret = false, string[]? projects = null)
    {
        var settings = new JiraFeedSettings(queue, Emulator.Url.ToString(), projects ?? [], []);
        var app = JiraFeedServer.Build(new IPEndPoint(IPAddress.Loopback, 0), settings, new JiraWebhookAuth(Secret, allowPlainSecret), _ => Emulator.Client, b => b.Logging.ClearProviders());
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RunningFeed(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    private sealed record RunningFeed(WebApplication App, HttpClient Http) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync(CancellationToken.None);
            await App.DisposeAsync();
        }
    }
}
