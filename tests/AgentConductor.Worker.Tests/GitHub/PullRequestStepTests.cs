using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.GitHub;

/// <summary>The job's pull request step on the real client against the strict fake: what the worker reports and exits with.</summary>
public sealed class PullRequestStepTests : IAsyncLifetime
{
    private const string Head = "0123456789abcdef0123456789abcdef01234567";

    private readonly TempDirectory _temp = new();
    private FakeWorkerService _conductor = null!;
    private GitHubHarness _github = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _conductor = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _conductor.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix it\n"));
        _github = await GitHubHarness.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _github.DisposeAsync();
        await _conductor.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task RunAsync_AgentSucceeded_OpensPullRequestAndReportsIt()
    {
        var exitCode = await RunAsync(Ct);

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        var pullRequest = Assert.Single(_github.Server.PullRequests);
        Assert.Equal(("acme", "app", $"agent/{FakeWorkerService.JobId}/fix", "main"), (pullRequest.Owner, pullRequest.Repo, pullRequest.HeadRef, pullRequest.BaseRef));
        var result = Assert.Single(_conductor.Results);
        Assert.Equal((ResultStatus.Succeeded, pullRequest.HtmlUrl, Head), (result.Status, result.PullRequestUrl, result.HeadCommit));
        _github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task RunAsync_GitHubRefusesTheToken_Exit31WithBranchPushedAndTokenHidden()
    {
        _github.Server.RespondNext(FakeGitHubResponse.Create(401, $"Bad credentials {GitHubHarness.Token}"));

        var exitCode = await RunAsync(Ct);

        Assert.Equal(WorkerExitCodes.GitHubFailed, exitCode);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal((ResultStatus.Failed, "github", $"agent/{FakeWorkerService.JobId}/fix", Head), (result.Status, result.Error.Code, result.Branch, result.HeadCommit));
        Assert.Contains("the branch is pushed but the pull request failed: GitHub GET repos/acme/app/pulls answered 401", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Bad credentials ***", result.Error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GitHubHarness.Token, result.Error.Message, StringComparison.Ordinal);
        Assert.Empty(_github.Server.PullRequests);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileGitHubHangs_AbortsTheCallAndReportsCancelledWithBranchPushed()
    {
        _github.Server.HangNext();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = RunAsync(cancel.Token);
        await Eventually.ValueAsync(() => _github.Server.Requests.IsEmpty ? null : "asked", Ct);
        await cancel.CancelAsync();
        await Eventually.ValueAsync(() => run.IsCompleted ? "ended" : null, Ct, TimeSpan.FromSeconds(20));

        Assert.Equal(WorkerExitCodes.Cancelled, await run);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal((ResultStatus.Cancelled, $"agent/{FakeWorkerService.JobId}/fix", Head), (result.Status, result.Branch, result.HeadCommit));
        await Eventually.ValueAsync(() => _github.Server.AbortedRequests == 1 ? "aborted" : null, Ct);
        Assert.Single(_github.Server.Requests);
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var settings = new WorkerSettings(
            _conductor.Address, FakeWorkerService.JobId, FakeWorkerService.Token, GitHubHarness.Token, null, _temp.File("work"), _github.Options.ApiBaseUrl, false);
        using var client = ConductorClients.Create(_conductor.Address, TimeProvider.System, options: new ConductorRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) });
        var run = new JobRun(settings, client, new PushingGit(), new SucceedingAgent(), _github.Publisher, TimeProvider.System, new ListLogger<JobRun>());
        return await run.RunAsync(cancellationToken);
    }

    private sealed class SucceedingAgent : IAgentRunner
    {
        public Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken) =>
            Task.FromResult(new AgentRunResult(AgentOutcome.Succeeded, "Fixed it", new TokenUsage(), null, 0, [], false, TimeSpan.Zero));
    }

    // A clone, a commit and a push that all succeed: the branch is on the remote before the pull request step.
    private sealed class PushingGit : IGitWorkspace
    {
        public Task CloneAsync(string cloneUrl, string baseBranch, string directory, CancellationToken cancellationToken)
        {
            Directory.CreateDirectory(directory);
            return Task.CompletedTask;
        }

        public Task CreateBranchAsync(string directory, string branch, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<string?> CommitAllAsync(string directory, string message, CancellationToken cancellationToken) => Task.FromResult<string?>(Head);

        public Task<bool> HasChangesAgainstBaseAsync(string directory, string baseBranch, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<IReadOnlyList<string>> ChangedFilesAsync(string directory, string baseBranch, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>(["fix.txt"]);

        public Task<string> PushAsync(string directory, string branch, CancellationToken cancellationToken) => Task.FromResult(Head);

        public Task<string> HeadAsync(string directory, CancellationToken cancellationToken) => Task.FromResult(Head);
    }
}
