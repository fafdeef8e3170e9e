using System.Net.Http.Json;
using System.Text.Json;
using AgentConductor.Conductor.Api;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.TestSupport.GitHubWebhooks;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// Follow-ups end to end: the real conductor with its local launcher, real worker processes running the real pinned Codex
/// CLI against the scripted model, a bare repository as the remote and the strict fake GitHub. A ticket's job opens a pull
/// request; a signed review requesting changes (with an inline comment) arrives at the webhook; the follow-up's worker
/// checks out the same branch, resumes the first run's Codex session, pushes a new commit on top and answers the review.
/// Everything the workers need reaches them as arguments, not through this process's environment.
/// </summary>
public sealed class FollowUpRunTests : IAsyncDisposable
{
    private const string ModelKey = "sk-e2e-follow-up-model-key-0123456789";
    private const string GitHubToken = "ghp_e2eFollowUpToken0123456789abcdef";
    private const string WebhookSecret = "e2e-follow-up-webhook-secret-01";

    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _workers = TempDirectory.OutsideSystemTemp();
    private readonly BareRepository _remote;
    private ScriptedModelServer? _model;
    private FakeGitHubServer? _gitHub;

    public FollowUpRunTests() => _remote = BareRepository.Create(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReviewRequestingChanges_FollowUpResumesTheSessionPushesOnTheSameBranchAndAnswers()
    {
        _gitHub = await FakeGitHubServer.StartAsync(GitHubToken, cancellationToken: Ct);
        _model = await ScriptedModelServer.StartAsync(
            ModelScript.Of(
                ModelStep.AddFile("src/fix.txt", "fixed"),
                ModelStep.Message("Fixed the refund rounding in src/fix.txt."),
                ModelStep.AddFile("src/rounding.txt", "banker's rounding"),
                ModelStep.Message("[1] Switched to banker's rounding in src/rounding.txt.\n[2] Done as the review asked; see [1].")),
            ModelKey,
            cancellationToken: Ct);
        await using var host = await StartAsync();

        // The ticket's job opens the pull request.
        var parent = await JobApi.PostTicketAsync(host, "PAY-412");
        var (parentState, parentView) = await JobApi.WaitForEndAsync(host, parent);
        Assert.True(parentState == "succeeded", $"the ticket's job ended {parentState}: {parentView}\n{WorkerLog(parent)}");
        var pullRequest = Assert.Single(_gitHub.PullRequests);
        var firstHead = _remote.Head(pullRequest.HeadRef)!;
        var thread = (string)host.Scalar("SELECT thread_id FROM job_sessions WHERE job_id = @id", ("@id", parent))!;

        // A reviewer comments on a line and requests changes; GitHub delivers both, signed.
        var lineComment = _gitHub.AddReviewComment("acme", "app", pullRequest.Number, "src/fix.txt", 1, "Use banker's rounding here.");
        var pr = new PullRequestRef("acme/app", pullRequest.Number, pullRequest.HeadRef, Host: "https://github.test");
        var webhook = new GitHubWebhookSender(host.Http, GitHubWebhookEndpoint.Path, WebhookSecret);
        var held = await webhook.SendAsync("pull_request_review_comment", GitHubPayloads.ReviewComment(pr, lineComment.Id, 901, "maria", lineComment.Body, "src/fix.txt", 1), cancellationToken: Ct);
        var review = await webhook.SendAsync("pull_request_review", GitHubPayloads.Review(pr, 901, "maria", "changes_requested", "The rounding is wrong for halves."), cancellationToken: Ct);
        Assert.Equal((System.Net.HttpStatusCode.Accepted, System.Net.HttpStatusCode.Accepted), (held.Status, review.Status));
        var followUp = review.Response.RootElement.GetProperty("followUps")[0].GetProperty("jobId").GetString()!;

        var (state, view) = await JobApi.WaitForEndAsync(host, followUp);

        var workerLog = WorkerLog(followUp);
        Assert.True(state == "succeeded", $"the follow-up ended {state}: {view}\n{workerLog}");
        _model.AssertNoFailures();
        _gitHub.AssertNoFailures();

        // A new commit on the same branch, on top of the first run's, and the same pull request (no second one).
        var newHead = _remote.Head(pullRequest.HeadRef)!;
        Assert.NotEqual(firstHead, newHead);
        Assert.Equal(firstHead, _remote.Parent(newHead));
        Assert.Equal("banker's rounding", _remote.Show(pullRequest.HeadRef, "src/rounding.txt").Trim());
        Assert.Equal("fixed", _remote.Show(pullRequest.HeadRef, "src/fix.txt").Trim());
        Assert.Single(_gitHub.PullRequests);
        Assert.Equal(pullRequest.HeadRef, host.Scalar("SELECT branch FROM job_results WHERE job_id = @id", ("@id", followUp)));
        Assert.Equal(newHead, host.Scalar("SELECT head_commit FROM job_results WHERE job_id = @id", ("@id", followUp)));

        // Codex resumed the first run's conversation: its first request carries that run's prompt and answer back.
        Assert.Contains($"codex thread {thread} started", workerLog + string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", followUp))), StringComparison.Ordinal);
        var resumed = _model.Requests[2];
        Assert.Contains("PAY-412", resumed.UserText, StringComparison.Ordinal);
        Assert.Contains("Use banker's rounding here.", resumed.UserText, StringComparison.Ordinal);
        Assert.Contains("Fixed the refund rounding in src/fix.txt.", resumed.AssistantText, StringComparison.Ordinal);
        Assert.DoesNotContain("Fixed the refund rounding", _model.Requests[0].AssistantText, StringComparison.Ordinal);
        Assert.Contains(host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", followUp)), l => l.StartsWith($"resuming the agent's session (thread {thread}", StringComparison.Ordinal));

        // The answers: in the line comment's thread, and one comment on the pull request for the review.
        var reply = _gitHub.ReviewComments.Single(c => c.InReplyToId == lineComment.Id);
        Assert.StartsWith("Switched to banker's rounding in src/rounding.txt.", reply.Body, StringComparison.Ordinal);
        Assert.Contains($"Pushed in {newHead[..12]}", reply.Body, StringComparison.Ordinal);
        var comment = Assert.Single(_gitHub.IssueComments);
        Assert.Contains("**[2]** review by maria", comment.Body, StringComparison.Ordinal);
        Assert.Contains("Done as the review asked", comment.Body, StringComparison.Ordinal);
        Assert.Contains(_gitHub.Requests, r => r.Method == "POST" && r.Header("Authorization") == $"Bearer {GitHubToken}" && r.Path.EndsWith($"/pulls/{pullRequest.Number}/comments", StringComparison.Ordinal));

        // One lineage, from either job; the follow-up's own session is kept for the next follow-up.
        var job = view.GetProperty("job");
        Assert.Equal(("followup", parent, 1), (job.GetProperty("kind").GetString(), job.GetProperty("parentJobId").GetString(), job.GetProperty("followUpSequence").GetInt32()));
        Assert.Equal(pullRequest.HtmlUrl, job.GetProperty("pullRequestUrl").GetString());
        foreach (var asked in new[] { parent, followUp })
        {
            var lineage = (await host.Http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{asked}", Ct)).GetProperty("lineage");
            Assert.Equal(parent, lineage.GetProperty("parentJobId").GetString());
            Assert.Equal((pullRequest.HtmlUrl, pullRequest.HeadRef), (lineage.GetProperty("pullRequest").GetProperty("url").GetString(), lineage.GetProperty("pullRequest").GetProperty("branch").GetString()));
            var only = Assert.Single(lineage.GetProperty("followUps").EnumerateArray());
            Assert.Equal((followUp, "succeeded", 2), (only.GetProperty("jobId").GetString(), only.GetProperty("state").GetString(), only.GetProperty("comments").GetInt32()));
        }

        Assert.Equal(thread, host.Scalar("SELECT thread_id FROM job_sessions WHERE job_id = @id", ("@id", followUp)));
        Assert.DoesNotContain(GitHubToken, workerLog, StringComparison.Ordinal);
        Assert.DoesNotContain(ModelKey, workerLog, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        if (_gitHub is not null)
        {
            await _gitHub.DisposeAsync();
        }

        _workers.Dispose();
        _directory.Dispose();
    }

    private Task<ConductorHost> StartAsync() => ConductorHost.StartAsync(
        [
            $"--Routing:Default:CloneUrl={_remote.CloneUrl}",
            "--Routing:Default:BaseBranch=main",
            $"--LocalLauncher:LogFolder={_workers.Path}",
            "--LocalLauncher:WorkerCommand:0=dotnet",
            $"--LocalLauncher:WorkerCommand:1={Path.Combine(AppContext.BaseDirectory, "AgentConductor.Worker.dll")}",
            $"--LocalLauncher:WorkerCommand:2=--GITHUB_API_URL={_gitHub!.BaseUrl}",
            $"--LocalLauncher:WorkerCommand:3=--GITHUB_TOKEN={GitHubToken}",
            "--LocalLauncher:WorkerCommand:4=--GITHUB_REPOSITORY=acme/app",
            $"--LocalLauncher:WorkerCommand:5=--CODEX_API_KEY={ModelKey}",
            $"--LocalLauncher:WorkerCommand:6=--Agent:Command:0={CodexCli.Require()}",
            $"--Agent:ModelBaseUrl={_model!.BaseUrl}",
            $"--GitHub:WebhookSecret={WebhookSecret}",
            "--FollowUps:CoalesceWindow=00:00:00",
        ],
        defaultRoute: false,
        jobsEngine: true,
        realLauncher: true,
        cancellationToken: Ct);

    private string WorkerLog(string jobId) =>
        File.Exists(Path.Combine(_workers.Path, jobId, "worker.log")) ? File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.log")) : "";
}
