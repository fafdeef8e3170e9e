using System.Net;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Feed;
using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Tests.Aws.Sqs;
using AgentConductor.Conductor.Tests.Intake.Sqs;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.Aws;
using AgentConductor.TestSupport.GitHubWebhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Conductor.Tests.Feed;

/// <summary>
/// GitHub deliveries through <c>feed serve</c>, the local-aws-sqs emulator and the conductor's SQS poller: the same
/// decisions as the webhook endpoint, the delivery id as the key, forged deliveries refused at the feed.
/// </summary>
public sealed class GitHubFeedRelayTests(SqsEmulatorFixture fixture) : IClassFixture<SqsEmulatorFixture>
{
    private const string JiraSecret = "feed-test-secret-0123456789";
    private const string Secret = GitHubDeliveries.Secret;
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private static readonly SqsReceiveOptions Receive = new(10, TimeSpan.FromSeconds(1), null, [SqsMessageKey.AttributeName, GitHubFeedRelay.EventAttribute]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SqsEmulator Emulator => fixture.Emulator;

    [Fact]
    public async Task SignedDelivery_IsQueuedInTheStoredFormKeyedByItsDeliveryId()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("gh"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);
        var github = new GitHubWebhookSender(feed.Http, GitHubFeedRelay.WebhookPath, Secret);

        var delivery = await github.SendAsync("ping", GitHubPayloads.Ping("acme/pay"), cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.Accepted, delivery.Status);
        var message = Assert.Single(await Emulator.Client.ReceiveAsync(queue, Receive, Ct));
        Assert.Equal($"github-delivery:{delivery.DeliveryId}", message.Attributes[SqsMessageKey.AttributeName]);
        Assert.Equal("ping", message.Attributes[GitHubFeedRelay.EventAttribute]);
        using var envelope = JsonDocument.Parse(message.Body);
        var stored = envelope.RootElement.GetProperty("githubDelivery");
        Assert.Equal(Encoding.UTF8.GetString(delivery.Body), stored.GetProperty("body").GetString());
        Assert.Equal(Conductor.Intake.GitHub.GitHubSignature.Sign(Secret, delivery.Body), stored.GetProperty("signature256").GetString());
    }

    [Theory]
    [InlineData(nameof(Signing.None))]
    [InlineData(nameof(Signing.WrongSecret))]
    [InlineData(nameof(Signing.Tampered))]
    public async Task ForgedDelivery_Is401AndNeverQueued(string how)
    {
        var signing = Enum.Parse<Signing>(how);
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("gh"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);

        var delivery = await new GitHubWebhookSender(feed.Http, GitHubFeedRelay.WebhookPath, Secret).SendAsync("ping", GitHubPayloads.Ping("acme/pay"), signing, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, delivery.Status);
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    [Fact]
    public async Task WithoutAGitHubSecret_TheFeedServesNoGitHubPath()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("gh"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue, gitHubSecret: null);

        using var response = await feed.Http.PostAsync(GitHubFeedRelay.WebhookPath, new StringContent("{}"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ReviewThroughTheQueue_CreatesTheFollowUp_AndARedeliveryIsStoredOnce()
    {
        var queue = await Emulator.CreateQueueAsync(SqsEmulatorFixture.UniqueName("gh"), cancellationToken: Ct);
        await using var feed = await StartAsync(queue);
        using var rig = new SqsIntakeRig(followUps: GitHubDeliveries.Settings());
        var ticket = await rig.Scheduler.ScheduleAsync([new InboundMessage("m-PAY-1", Messages.TicketCreated("PAY-1", T0), T0)], Ct);
        var parent = ticket.Decisions.Single().JobId;
        var pr = new PullRequestRef("acme/pay", 7, $"agent/{parent}/fix");
        GitHubDeliveries.ReportPullRequest(rig.Database, parent, pr, T0);
        var github = new GitHubWebhookSender(feed.Http, GitHubFeedRelay.WebhookPath, Secret);
        var review = await github.SendAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), cancellationToken: Ct);
        await github.RedeliverAsync(review, Ct);
        var poller = rig.Poller(Emulator.Client, new SqsIntakeOptions { QueueUrl = queue, WaitTimeSeconds = 1 });

        var received = 0;
        for (var poll = 0; poll < 5 && received < 2; poll++)
        {
            received += (await poller.RunOnceAsync(Ct)).Received;
        }

        Assert.Equal(2, received);
        Assert.Equal(1L, rig.Count("events", $"message_id = 'github-delivery:{review.DeliveryId}'"));
        Assert.Equal($"trigger|changes_requested|{parent}", rig.Scalar(
            "SELECT d.outcome || '|' || d.reason || '|' || j.parent_job_id FROM github_deliveries d JOIN jobs j ON j.id = d.job_id"));
        Assert.Equal(0, await Emulator.CountAsync(queue, Ct));
    }

    private async Task<RunningFeed> StartAsync(string queue, string? gitHubSecret = Secret)
    {
        var settings = new JiraFeedSettings(queue, Emulator.Url.ToString(), [], []);
        var app = JiraFeedServer.Build(
            new IPEndPoint(IPAddress.Loopback, 0), settings, new JiraWebhookAuth(JiraSecret, false), _ => Emulator.Client, b => b.Logging.ClearProviders(), gitHubSecret);
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
