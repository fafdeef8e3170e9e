using System.Text.Json;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Tests.Sessions;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.GitHubWebhooks;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>
/// A follow-up's handshake on a real conductor: a ticket's job (connected over gRPC) hands over its session and reports its
/// pull request, a signed review with an inline comment sends it back, and the follow-up's worker gets the pull request's
/// branch and route, the comments with what a reply needs, and the session among its task files.
/// </summary>
public sealed class FollowUpHandshakeTests
{
    private const string CloneUrl = "https://github.example/acme/pay.git";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Handshake_FollowUp_SpecCarriesThePullRequestItsCommentsAndTheParentsSession()
    {
        await using var host = await StartAsync();
        var session = SessionArchives.Valid("{\"type\":\"response_item\",\"payload\":\"the first run\"}\n");
        var (parent, pr) = await OpenPullRequestAsync(host, session);
        var followUp = await SendBackAsync(host, pr);

        var token = host.Launch(followUp);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = followUp, Capabilities = { "follow-up" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Equal(JobKind.FollowUp, spec.Kind);
        Assert.Equal(pr.HeadRef, spec.BranchName);
        Assert.Equal((CloneUrl, "main"), (spec.Repositories.Single().CloneUrl, spec.Repositories.Single().BaseBranch));
        Assert.Equal($"Follow-up 1 on pull request #7: Summary of PAY-412", spec.Title);
        var f = spec.FollowUp;
        Assert.Equal((parent, 1, 7, pr.HtmlUrl, "acme/pay"), (f.ParentJobId, f.Sequence, f.PullRequest.Number, f.PullRequest.Url, f.PullRequest.Repository));
        Assert.Equal(
            [(1, ReviewCommentKind.ReviewComment, 5001L, 901L, "maria", "src/Refunds.cs", 42, "Use banker's rounding here."),
             (2, ReviewCommentKind.Review, 901L, 901L, "maria", "", 0, "Please fix the rounding.")],
            f.Comments.Select(c => (c.Number, c.Kind, c.Id, c.ReviewId, c.Author, c.Path, c.Line, c.Body)));
        Assert.Equal((SessionArchives.ThreadId, "session/codex-session.tar.gz", parent), (f.Session.ThreadId, f.Session.TaskFile, f.Session.JobId));
        var served = await DownloadAsync(host, followUp, token);
        Assert.Equal(session, served["session/codex-session.tar.gz"]);
        Assert.Contains("Use banker's rounding here.", System.Text.Encoding.UTF8.GetString(served["TASK.md"]), StringComparison.Ordinal);
        Assert.Contains(spec.TaskFiles, t => t.Path == "session/codex-session.tar.gz" && t.Size == session.Length);

        // The lineage, as the API shows the follow-up.
        using var view = JsonDocument.Parse(await host.Http.GetStringAsync($"/v1/jobs/{followUp}", Ct));
        var job = view.RootElement.GetProperty("job");
        Assert.Equal(("followup", parent, 1), (job.GetProperty("kind").GetString(), job.GetProperty("parentJobId").GetString(), job.GetProperty("followUpSequence").GetInt32()));
        Assert.Equal("Follow-up 1 on pull request #7: Summary of PAY-412", job.GetProperty("title").GetString());
        Assert.Equal("connected", job.GetProperty("state").GetString());
        Assert.Equal(followUp, view.RootElement.GetProperty("lineage").GetProperty("followUps")[0].GetProperty("jobId").GetString());
    }

    [Fact]
    public async Task Handshake_FollowUpOfAFollowUp_ResumesTheNewestSessionOfThePullRequest()
    {
        await using var host = await StartAsync();
        var (_, pr) = await OpenPullRequestAsync(host, SessionArchives.Valid("parent\n"));
        var github = Webhook(host);
        var first = await SendBackAsync(host, pr, github);
        var firstToken = host.Launch(first);
        await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = first, Capabilities = { "follow-up" } }, ConductorHost.Bearer(firstToken).WithCancellationToken(Ct));
        const string FollowUpThread = "0199a3c4-5d6e-7f80-9a1b-00000000f001";
        var firstSession = SessionArchives.Valid("parent\nfollow-up 1\n", FollowUpThread);
        await host.Worker.UploadSessionAsync(SessionArchives.Header(first, firstSession, FollowUpThread), firstSession, ConductorHost.Bearer(firstToken).WithCancellationToken(Ct));
        await host.Worker.ReportResultAsync(
            new ReportResultRequest { JobId = first, Status = ResultStatus.Succeeded, PullRequestUrl = pr.HtmlUrl, Branch = pr.HeadRef, HeadCommit = "1111aaaa" },
            ConductorHost.Bearer(firstToken).WithCancellationToken(Ct));
        var second = await SendBackAsync(host, pr, github, reviewId: 902, commentId: 5002);

        var secondToken = host.Launch(second);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = second, Capabilities = { "follow-up" } }, ConductorHost.Bearer(secondToken).WithCancellationToken(Ct))).Job;

        Assert.Equal(2, spec.FollowUp.Sequence);
        Assert.Equal((FollowUpThread, first), (spec.FollowUp.Session.ThreadId, spec.FollowUp.Session.JobId));
        Assert.Equal(firstSession, (await DownloadAsync(host, second, secondToken))["session/codex-session.tar.gz"]);
    }

    [Fact]
    public async Task Handshake_FollowUpWhoseParentLeftNoSession_NoSessionAndNoSessionFile()
    {
        await using var host = await StartAsync();
        var (_, pr) = await OpenPullRequestAsync(host, session: null);
        var followUp = await SendBackAsync(host, pr);

        var token = host.Launch(followUp);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = followUp, Capabilities = { "follow-up" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Null(spec.FollowUp.Session);
        Assert.DoesNotContain(spec.TaskFiles, t => t.Path.StartsWith("session/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handshake_SessionFileChangedOnDiskAndNoArchive_FollowUpStartsAfreshAndSaysWhy()
    {
        await using var host = await StartAsync();
        var (parent, pr) = await OpenPullRequestAsync(host, SessionArchives.Valid());
        var stored = UploadSessionTests.StoredFile(host, parent);
        var tampered = await File.ReadAllBytesAsync(stored, Ct);
        tampered[^5] ^= 0xff;
        await File.WriteAllBytesAsync(stored, tampered, Ct);
        var followUp = await SendBackAsync(host, pr);

        var token = host.Launch(followUp);
        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = followUp, Capabilities = { "follow-up" } }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Null(spec.FollowUp.Session);
        Assert.DoesNotContain(spec.TaskFiles, t => t.Path.StartsWith("session/", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Entries, e => e.EventName == "AgentSessionUnavailable" && e.Message.Contains(parent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Handshake_FollowUpFromAWorkerWithoutTheCapability_RefusedAndTheJobFailedWithTheReason()
    {
        // A worker from before follow-ups would create the branch afresh from the base and push it over the pull request's.
        await using var host = await StartAsync();
        var (_, pr) = await OpenPullRequestAsync(host, SessionArchives.Valid());
        var followUp = await SendBackAsync(host, pr);
        var token = host.Launch(followUp);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => host.Worker.HandshakeAsync(
            new HandshakeRequest { JobId = followUp, WorkerVersion = "0.9.0", Capabilities = { "codex", "git", "github" } },
            ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync);

        Assert.Equal(Grpc.Core.StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("does not declare the 'follow-up' capability", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("failed", host.State(followUp));
        Assert.Contains("worker 0.9.0 does not declare", (string?)host.Scalar("SELECT state_reason FROM jobs WHERE id = @id", ("@id", followUp)), StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventName == "FollowUpRefusedToWorker");
    }

    [Fact]
    public async Task Handshake_TicketJob_HasNoFollowUp()
    {
        await using var host = await StartAsync();
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);

        var spec = (await host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct))).Job;

        Assert.Equal(JobKind.Ticket, spec.Kind);
        Assert.Null(spec.FollowUp);
    }

    internal static Task<ConductorHost> StartAsync(params string[] settings) =>
        ConductorHost.StartAsync([$"--GitHub:WebhookSecret={GitHubDeliveries.Secret}", "--FollowUps:CoalesceWindow=00:00:00", .. settings], cancellationToken: Ct);

    /// <summary>A ticket's job connects, hands over <paramref name="session"/> (unless null) and reports the pull request it opened.</summary>
    internal static async Task<(string JobId, PullRequestRef PullRequest)> OpenPullRequestAsync(ConductorHost host, byte[]? session)
    {
        var (jobId, token) = await WorkerLifecycleTests.ConnectedTicketAsync(host, "PAY-412", Ct);
        host.Execute("UPDATE jobs SET clone_url = @clone, base_branch = 'main' WHERE id = @id", ("@clone", CloneUrl), ("@id", jobId));
        if (session is not null)
        {
            await host.Worker.UploadSessionAsync(SessionArchives.Header(jobId, session), session, ConductorHost.Bearer(token).WithCancellationToken(Ct));
        }

        var pr = new PullRequestRef("acme/pay", 7, (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!);
        await host.Worker.ReportResultAsync(
            new ReportResultRequest { JobId = jobId, Status = ResultStatus.Succeeded, PullRequestUrl = pr.HtmlUrl, Branch = pr.HeadRef, HeadCommit = "0123abcd", Summary = "Fixed." },
            ConductorHost.Bearer(token).WithCancellationToken(Ct));
        return (jobId, pr);
    }

    /// <summary>A reviewer's inline comment (held until its review) and the review requesting changes; the follow-up's id.</summary>
    /// <param name="github">The webhook sending them: one per conductor, as its delivery ids are numbered per sender.</param>
    internal static async Task<string> SendBackAsync(ConductorHost host, PullRequestRef pr, GitHubWebhookSender? github = null, long reviewId = 901, long commentId = 5001)
    {
        github ??= Webhook(host);
        await github.SendAsync(
            "pull_request_review_comment", GitHubPayloads.ReviewComment(pr, commentId, reviewId, "maria", "Use banker's rounding here.", path: "src/Refunds.cs", line: 42), cancellationToken: Ct);
        var review = await github.SendAsync("pull_request_review", GitHubPayloads.Review(pr, reviewId, "maria", "changes_requested", "Please fix the rounding."), cancellationToken: Ct);
        var created = review.Response.RootElement.TryGetProperty("followUps", out var followUps) && followUps.GetArrayLength() > 0 ? followUps[0] : (JsonElement?)null;
        return created?.GetProperty("jobId").GetString() ?? throw new InvalidOperationException($"The review made no follow-up: {review.Response.RootElement}");
    }

    internal static GitHubWebhookSender Webhook(ConductorHost host) => new(host.Http, GitHubWebhookEndpoint.Path, GitHubDeliveries.Secret);

    private static async Task<Dictionary<string, byte[]>> DownloadAsync(ConductorHost host, string jobId, string token)
    {
        var files = new Dictionary<string, byte[]>();
        string? current = null;
        await foreach (var chunk in host.Worker.DownloadAllAsync(new DownloadTaskFilesRequest { JobId = jobId }, ConductorHost.Bearer(token).WithCancellationToken(Ct)))
        {
            if (chunk.ChunkCase == TaskFileChunk.ChunkOneofCase.Header)
            {
                current = chunk.Header.Path;
                files[current] = [];
            }
            else
            {
                files[current!] = [.. files[current!], .. chunk.Data.ToByteArray()];
            }
        }

        return files;
    }
}
