using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
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

    [Fact]
    public async Task RunAsync_AgentTextCarriesSecrets_MaskedInThePullRequestTheResultAndTheProgress()
    {
        const string AwsKeyId = "AKIAIOSFODNN7EXAMPLE";
        var leaky = $"Fixed it. Token {GitHubHarness.Token}, job {FakeWorkerService.Token}, key id {AwsKeyId}";

        var exitCode = await RunAsync(Ct, new SucceedingAgent(leaky));

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        var pullRequest = Assert.Single(_github.Server.PullRequests);
        var result = Assert.Single(_conductor.Results);
        var progress = string.Join('\n', _conductor.ProgressUpdates.Select(u => u.ToString()));
        Assert.Contains("Fixed it. Token ***, job ***, key id ***", pullRequest.Body, StringComparison.Ordinal);
        Assert.Contains("Fixed it. Token ***, job ***, key id ***", result.Summary, StringComparison.Ordinal);
        Assert.Contains("agent says: Fixed it. Token ***", progress, StringComparison.Ordinal);
        foreach (var secret in new[] { GitHubHarness.Token, FakeWorkerService.Token, AwsKeyId })
        {
            Assert.DoesNotContain(secret, pullRequest.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Summary, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, progress, StringComparison.Ordinal);
        }
    }

    private async Task<int> RunAsync(CancellationToken cancellationToken, IAgentRunner? agent = null)
    {
        var settings = new WorkerSettings(
            _conductor.Address, FakeWorkerService.JobId, FakeWorkerService.Token, GitHubHarness.Token, null, _temp.File("work"), _github.Options.ApiBaseUrl, false);
        using var client = ConductorClients.Create(_conductor.Address, TimeProvider.System, options: new ConductorRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) });
        var run = new JobRun(settings, client, FakeGitWorkspace.Pushing(Head), agent ?? new SucceedingAgent("Fixed it"), _github.Publisher, FakeGitWorkspace.Safety(FakeWorkerService.Token, GitHubHarness.Token), TimeProvider.System, new ListLogger<JobRun>());
        return await run.RunAsync(cancellationToken);
    }

    // An agent that says what it was told to say, as its summary and as a progress line: unmasked, as a careless runner would.
    private sealed class SucceedingAgent(string summary) : IAgentRunner
    {
        public async Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken)
        {
            await onProgress(AgentConductor.Worker.Agent.ProgressUpdates.Log(request.JobId, LogStream.Stdout, "agent says: " + summary, DateTimeOffset.UnixEpoch));
            return new AgentRunResult(AgentOutcome.Succeeded, summary, new TokenUsage(), null, 0, [], false, TimeSpan.Zero);
        }
    }

}
