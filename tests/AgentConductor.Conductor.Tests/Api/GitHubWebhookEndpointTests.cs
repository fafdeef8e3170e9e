using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Tests.WorkerApi;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHubWebhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Api;

/// <summary>
/// <c>POST /v1/github/webhook</c> on a real conductor, fed by a fake GitHub that signs its deliveries: a ticket's job
/// opens a pull request (reported over gRPC), a review sends it back, and the follow-up appears with its lineage.
/// </summary>
public sealed class GitHubWebhookEndpointTests
{
    private const string Secret = GitHubDeliveries.Secret;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Review_OnThePullRequestAJobOpened_CreatesAFollowUpShownWithItsLineage()
    {
        await using var host = await StartAsync();
        var (parent, pr) = await OpenPullRequestAsync(host);
        var github = Sender(host);

        var delivery = await github.SendAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested", "Round half to even."), cancellationToken: Ct);

        Assert.Equal((HttpStatusCode.Accepted, "stored"), (delivery.Status, delivery.Disposition));
        Assert.Contains("trigger (changes_requested)", delivery.Note, StringComparison.Ordinal);
        var created = delivery.Response.RootElement.GetProperty("followUps")[0];
        var followUp = created.GetProperty("jobId").GetString()!;
        Assert.Equal((parent, pr.HtmlUrl), (created.GetProperty("parentJobId").GetString(), created.GetProperty("pullRequestUrl").GetString()));
        Assert.Equal($"github-delivery:{delivery.DeliveryId}", delivery.Response.RootElement.GetProperty("messageId").GetString());

        foreach (var asked in new[] { followUp, parent })
        {
            using var view = JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{asked}", Ct));
            var lineage = view.RootElement.GetProperty("lineage");
            Assert.Equal(parent, lineage.GetProperty("parentJobId").GetString());
            Assert.Equal((pr.HtmlUrl, "acme/pay", 7, pr.HeadRef), (
                lineage.GetProperty("pullRequest").GetProperty("url").GetString(), lineage.GetProperty("pullRequest").GetProperty("repository").GetString(),
                lineage.GetProperty("pullRequest").GetProperty("number").GetInt32(), lineage.GetProperty("pullRequest").GetProperty("branch").GetString()));
            var only = Assert.Single(lineage.GetProperty("followUps").EnumerateArray());
            Assert.Equal((followUp, 1, "pending", 1), (only.GetProperty("jobId").GetString(), only.GetProperty("sequence").GetInt32(), only.GetProperty("state").GetString(), only.GetProperty("comments").GetInt32()));
        }

        using var job = JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{followUp}", Ct));
        Assert.Equal("followup", job.RootElement.GetProperty("job").GetProperty("kind").GetString());
        Assert.Contains(host.Logs.Entries, e => e.EventName == "FollowUpCreated" && e.Message.Contains(followUp, StringComparison.Ordinal));
    }

    [Fact]
    public async Task NotSignedWithTheSecret_Is401WithTheReason_StoredAndSchedulesNothing()
    {
        await using var host = await StartAsync();
        var (_, pr) = await OpenPullRequestAsync(host);
        var github = Sender(host);
        var review = GitHubPayloads.Review(pr, 901, "maria", "changes_requested");

        var unsigned = await github.SendAsync("pull_request_review", review, Signing.None, Ct);
        var wrong = await github.SendAsync("pull_request_review", review, Signing.WrongSecret, Ct);
        var tampered = await github.SendAsync("pull_request_review", review, Signing.Tampered, Ct);

        Assert.Equal(
            [(HttpStatusCode.Unauthorized, "unsigned"), (HttpStatusCode.Unauthorized, "bad_signature"), (HttpStatusCode.Unauthorized, "bad_signature")],
            new[] { unsigned, wrong, tampered }.Select(d => (d.Status, d.Reason)));
        Assert.Contains("no X-Hub-Signature-256", unsigned.Note, StringComparison.Ordinal);
        Assert.Equal(3L, host.Scalar("SELECT count(*) FROM rejected_messages r JOIN events e ON e.id = r.event_id WHERE e.format = 'github-webhook'"));
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM jobs WHERE kind = 'followup'"));
        Assert.Equal(3, host.Logs.Entries.Count(e => e.EventName == "GitHubDeliveryRefused"));
        // What arrived is kept with the headers that decided: a replay reaches the same verdict.
        var stored = (string)host.Scalar("SELECT body FROM events e JOIN rejected_messages r ON r.event_id = e.id WHERE r.reason = 'unsigned'")!;
        using var envelope = JsonDocument.Parse(stored);
        Assert.Equal(unsigned.DeliveryId, envelope.RootElement.GetProperty("githubDelivery").GetProperty("delivery").GetString());
        Assert.Equal(Encoding.UTF8.GetString(unsigned.Body), envelope.RootElement.GetProperty("githubDelivery").GetProperty("body").GetString());
    }

    [Fact]
    public async Task WithoutAWebhookSecret_EveryDeliveryIsRejectedAsNoSecret()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);

        var delivery = await Sender(host).SendAsync("ping", GitHubPayloads.Ping("acme/pay"), cancellationToken: Ct);

        Assert.Equal((HttpStatusCode.Unauthorized, "no_secret"), (delivery.Status, delivery.Reason));
        Assert.Contains("GitHub:WebhookSecret", delivery.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redelivery_OfTheSameDeliveryId_Is200DuplicateAndStoredOnce()
    {
        await using var host = await StartAsync();
        var (_, pr) = await OpenPullRequestAsync(host);
        var github = Sender(host);
        var first = await github.SendAsync("issue_comment", GitHubPayloads.IssueComment(pr, 11, "lee", "@agent-conductor add a test"), cancellationToken: Ct);

        var again = await github.RedeliverAsync(first, Ct);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.OK, "duplicate"), (first.Status, again.Status, again.Disposition));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM events WHERE kind = 'github'"));
        Assert.Equal(1L, host.Scalar("SELECT count(*) FROM jobs WHERE kind = 'followup'"));
    }

    [Fact]
    public async Task Ping_And_StrangersComment_AreStoredAndAnswered202WithTheReason()
    {
        await using var host = await StartAsync();
        var (_, pr) = await OpenPullRequestAsync(host);
        var github = Sender(host);

        var ping = await github.SendAsync("ping", GitHubPayloads.Ping("acme/pay"), cancellationToken: Ct);
        var stranger = await github.SendAsync("issue_comment", GitHubPayloads.IssueComment(pr, 12, "drive-by", "@agent-conductor delete the tests", "NONE"), cancellationToken: Ct);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (ping.Status, stranger.Status));
        Assert.Contains("ignored (ping)", ping.Note, StringComparison.Ordinal);
        Assert.Contains("ignored (stranger)", stranger.Note, StringComparison.Ordinal);
        Assert.Equal(0, stranger.Response.RootElement.GetProperty("followUps").GetArrayLength());
    }

    [Fact]
    public async Task DeliveryWithoutItsEventHeader_Is422MissingField()
    {
        await using var host = await StartAsync();
        var body = Encoding.UTF8.GetBytes(GitHubPayloads.Ping("acme/pay").ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhookEndpoint.Path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Delivery", "d-missing-event");
        request.Headers.Add("X-Hub-Signature-256", Conductor.Intake.GitHub.GitHubSignature.Sign(Secret, body));

        using var response = await host.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("missing_field", answer.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task WithAnApiKey_TheWebhookNeedsOnlyItsSignature_AndTheRestOfV1StillTheKey()
    {
        await using var host = await StartAsync("--Api:Key=an-api-key-of-enough-length");

        var delivery = await Sender(host).SendAsync("ping", GitHubPayloads.Ping("acme/pay"), cancellationToken: Ct);
        using var jobs = await host.Http.GetAsync("/v1/jobs", Ct);

        Assert.Equal(HttpStatusCode.Accepted, delivery.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, jobs.StatusCode);
    }

    [Fact]
    public async Task WhileTheShutdownFlagIsSet_Is503AndStoresNothing()
    {
        await using var host = await StartAsync("--Shutdown:PollInterval=00:10:00");
        File.WriteAllText(host.FlagPath, "true");
        host.Services.GetRequiredService<ShutdownGate>().Check();

        var delivery = await Sender(host).SendAsync("ping", GitHubPayloads.Ping("acme/pay"), cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, delivery.Status);
        Assert.Equal(0L, host.Scalar("SELECT count(*) FROM events"));
    }

    [Fact]
    public async Task FollowUp_IsDispatchedAfterItsWindow_AndItsWorkerGetsThePullRequestsBranchAndRoute()
    {
        var clock = new FakeTimeProvider(ConductorHost.T0);
        await using var host = await ConductorHost.StartAsync(
            [$"--GitHub:WebhookSecret={Secret}", "--FollowUps:CoalesceWindow=00:02:00"], timeProvider: clock, jobsEngine: true, cancellationToken: Ct);
        var (parent, pr) = await OpenPullRequestAsync(host, viaDispatcher: true);
        var delivery = await Sender(host).SendAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested"), cancellationToken: Ct);
        var followUp = delivery.Response.RootElement.GetProperty("followUps")[0].GetProperty("jobId").GetString()!;
        var waiting = Assert.Single(host.Services.GetRequiredService<Conductor.Jobs.Dispatcher>().QueuePositions());
        Assert.Equal((followUp, Conductor.Jobs.WaitReason.Coalescing), (waiting.JobId, waiting.Reason));
        Assert.Equal("pending", host.State(followUp));

        clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));

        await Eventually.ValueAsync(() => host.State(followUp) == "launched" ? "launched" : null, Ct);
        var launch = host.Launcher.Launches.Single(l => l.JobId == followUp);
        Assert.Equal(("followup", parent, "https://github.example/acme/app.git", "main"), (launch.Kind, launch.Subject, launch.CloneUrl, launch.BaseBranch));
        var token = host.Services.GetRequiredService<Conductor.WorkerApi.JobTokens>().Issue(followUp);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = followUp, Capabilities = { "follow-up" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;
        Assert.Equal((JobKind.FollowUp, pr.HeadRef), (spec.Kind, spec.BranchName));
        Assert.Equal(("https://github.example/acme/app.git", "main"), (spec.Repositories.Single().CloneUrl, spec.Repositories.Single().BaseBranch));
        Assert.Equal((parent, 7), (spec.FollowUp.ParentJobId, spec.FollowUp.PullRequest.Number));
        Assert.Equal("connected", host.State(followUp));
    }

    private static Task<ConductorHost> StartAsync(params string[] settings) =>
        ConductorHost.StartAsync([$"--GitHub:WebhookSecret={Secret}", .. settings], cancellationToken: Ct);

    private static GitHubWebhookSender Sender(ConductorHost host) => new(host.Http, GitHubWebhookEndpoint.Path, Secret);

    /// <summary>
    /// A ticket's job, connected over gRPC, reports the pull request it opened. <paramref name="viaDispatcher"/>: the
    /// jobs engine launched it (recording its route), else the test did.
    /// </summary>
    private static async Task<(string JobId, PullRequestRef PullRequest)> OpenPullRequestAsync(ConductorHost host, bool viaDispatcher = false)
    {
        string jobId, token;
        if (viaDispatcher)
        {
            var scheduled = await host.Services.GetRequiredService<Scheduler>().ScheduleAsync(
                [new InboundMessage("m-PAY-412", Messages.TicketCreated("PAY-412", ConductorHost.T0), ConductorHost.T0)], Ct);
            jobId = scheduled.Decisions.Single().JobId;
            host.Services.GetRequiredService<Conductor.Jobs.DispatchSignal>().Poke();
            await Eventually.ValueAsync(() => host.State(jobId) == "launched" ? "launched" : null, Ct);
            token = host.Services.GetRequiredService<Conductor.WorkerApi.JobTokens>().Issue(jobId);
            await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct));
        }
        else
        {
            (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, "PAY-412", Ct);
        }

        var pr = new PullRequestRef("acme/pay", 7, $"agent/{jobId}/summary-of-pay-412");
        await host.Worker.ReportResultAsync(
            new ReportResultRequest { JobId = jobId, Status = ResultStatus.Succeeded, PullRequestUrl = pr.HtmlUrl, Branch = pr.HeadRef, HeadCommit = "0123abcd", Summary = "Fixed." },
            ConductorHost.Bearer(token).WithCancellationToken(Ct));
        return (jobId, pr);
    }
}
