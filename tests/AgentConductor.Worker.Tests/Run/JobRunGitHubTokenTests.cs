using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Tests.Fakes;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>
/// The conductor's GitHub token (its App's, in the job spec) is what the worker pushes and opens the pull request with,
/// in preference to the environment's; it is masked before anything is logged and renewed by a second handshake when
/// the run outlasted most of its hour.
/// </summary>
public sealed class JobRunGitHubTokenTests : IAsyncLifetime
{
    private const string Head = "0123456789abcdef0123456789abcdef01234567";
    private const string EnvironmentToken = "ghp_EnvironmentTokenNotForThisJob0123456789";
    private const string MintedToken = "ghs_MintedForThisJobByTheConductor012345";
    private const string RenewedToken = "ghs_RenewedBeforeThePushByTheConductor01";

    private readonly TempDirectory _temp = new();
    private readonly SecretMasker _masker = new();
    private readonly WorkerSecrets _secrets;
    private readonly ListLogger<JobRun> _logger = new();
    private FakeWorkerService _conductor = null!;
    private FakeGitHubServer _gitHub = null!;

    public JobRunGitHubTokenTests() => _secrets = new WorkerSecrets(_masker);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _conductor = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _conductor.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix it\n"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_gitHub is not null)
        {
            await _gitHub.DisposeAsync();
        }

        await _conductor.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task RunAsync_SpecCarriesAToken_PushesAndOpensThePullRequestWithItNotTheEnvironments()
    {
        _gitHub = await FakeGitHubServer.StartAsync(MintedToken, cancellationToken: Ct);
        _conductor.GitHubTokens.Enqueue(Token(MintedToken, TimeSpan.FromMinutes(59)));
        var git = new RecordingGit(_secrets);

        var exitCode = await RunAsync(EnvironmentToken, git);

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        Assert.Equal(MintedToken, git.TokenAtPush);
        Assert.Single(_gitHub.PullRequests);
        Assert.All(_gitHub.Requests, r => Assert.Equal($"Bearer {MintedToken}", r.Header("Authorization")));
        _gitHub.AssertNoFailures();
        Assert.Equal("***", _masker.Mask(MintedToken));
        Assert.Equal(1, _conductor.Calls("Handshake")); // an hour left: no renewal
        Assert.Contains(_logger.Entries, e => e.EventName == "GitHubTokenFromConductor" && e.Message.Contains("acme/app", StringComparison.Ordinal));
        Assert.DoesNotContain(_logger.Entries, e => e.Message.Contains(MintedToken, StringComparison.Ordinal));
        Assert.DoesNotContain(_conductor.ProgressUpdates, u => u.Log?.Text.Contains(MintedToken, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task RunAsync_TokenNearItsExpiryAtThePush_RenewedByASecondHandshakeAndTheNewOneUsed()
    {
        _gitHub = await FakeGitHubServer.StartAsync(RenewedToken, cancellationToken: Ct);
        _conductor.GitHubTokens.Enqueue(Token(MintedToken, TimeSpan.FromMinutes(5)));
        _conductor.GitHubTokens.Enqueue(Token(RenewedToken, TimeSpan.FromMinutes(60)));
        var git = new RecordingGit(_secrets);

        var exitCode = await RunAsync(null, git);

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        Assert.Equal(2, _conductor.Calls("Handshake"));
        Assert.Equal(RenewedToken, git.TokenAtPush);
        Assert.All(_gitHub.Requests, r => Assert.Equal($"Bearer {RenewedToken}", r.Header("Authorization")));
        Assert.Single(_gitHub.PullRequests);
        Assert.Equal(("***", "***"), (_masker.Mask(MintedToken), _masker.Mask(RenewedToken)));
    }

    [Fact]
    public async Task RunAsync_RenewalRefused_PushesWithTheTokenItHas()
    {
        _gitHub = await FakeGitHubServer.StartAsync(MintedToken, cancellationToken: Ct);
        _conductor.GitHubTokens.Enqueue(Token(MintedToken, TimeSpan.FromMinutes(5)));
        _conductor.FailCall("Handshake", 2, StatusCode.FailedPrecondition);
        var git = new RecordingGit(_secrets);

        var exitCode = await RunAsync(null, git);

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        Assert.Equal(MintedToken, git.TokenAtPush);
        Assert.Single(_gitHub.PullRequests);
        Assert.Contains(_logger.Entries, e => e.EventName == "GitHubTokenRefreshFailed");
    }

    [Fact]
    public async Task RunAsync_NoTokenAnywhere_PushesTheBranchAndOpensNoPullRequest()
    {
        _gitHub = await FakeGitHubServer.StartAsync("unused-token", cancellationToken: Ct);
        var git = new RecordingGit(_secrets);

        var exitCode = await RunAsync(null, git);

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        Assert.True(git.Pushed);
        Assert.Empty(_gitHub.Requests);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal((Head, ""), (result.HeadCommit, result.PullRequestUrl));
    }

    private static GitHubToken Token(string token, TimeSpan validFor) => new()
    {
        Token = token,
        ExpiresAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + validFor),
        Repository = "acme/app",
    };

    private async Task<int> RunAsync(string? environmentToken, RecordingGit git)
    {
        var settings = new WorkerSettings(
            _conductor.Address, FakeWorkerService.JobId, FakeWorkerService.Token, environmentToken, null, _temp.File("work"), _gitHub.BaseUrl, false);
        var credential = new GitHubCredential(_secrets);
        if (environmentToken is not null)
        {
            credential.Use(environmentToken, null, fromConductor: false);
        }

        using var gitHub = new OctokitGitHubClient(
            new GitHubOptions { ApiBaseUrl = _gitHub.BaseUrl }, credential, TimeProvider.System, _masker, new ListLogger<GitHubHttpHandler>());
        using var client = ConductorClients.Create(_conductor.Address, TimeProvider.System, options: new ConductorRetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) });
        var publisher = new PullRequestPublisher(gitHub, new ListLogger<PullRequestPublisher>());
        var safety = new JobSafety(_masker, _secrets, AgentAccount.SameAsWorker("tests"));
        var run = new JobRun(settings, client, git, new SucceedingAgent(), publisher, safety, TimeProvider.System, _logger, credential);
        return await run.RunAsync(Ct);
    }

    private sealed class SucceedingAgent : IAgentRunner
    {
        public Task<AgentRunResult> RunAsync(AgentRunRequest request, Func<ProgressUpdate, ValueTask> onProgress, CancellationToken cancellationToken) =>
            Task.FromResult(new AgentRunResult(AgentOutcome.Succeeded, "Fixed it", new TokenUsage(), null, 0, [], false, TimeSpan.Zero));
    }

    // Git that succeeds and notes which token git would have been handed for the push (GitCli reads WorkerSecrets.GitHubToken then).
    private sealed class RecordingGit(WorkerSecrets secrets) : IGitWorkspace
    {
        private readonly FakeGitWorkspace _git = FakeGitWorkspace.Pushing(Head);

        public string? TokenAtPush { get; private set; }

        public bool Pushed { get; private set; }

        public Task<GitCheckout> CheckOutAsync(string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken) =>
            _git.CheckOutAsync(cloneUrl, baseBranch, branch, workingDirectory, gitDirectory, cancellationToken);

        public Task<GitCheckout> CheckOutExistingAsync(string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken) =>
            _git.CheckOutExistingAsync(cloneUrl, baseBranch, branch, workingDirectory, gitDirectory, cancellationToken);

        public Task<bool> CommitAllAsync(GitCheckout checkout, string message, CancellationToken cancellationToken) => _git.CommitAllAsync(checkout, message, cancellationToken);

        public Task<string> CollectAsync(GitCheckout checkout, CancellationToken cancellationToken) => _git.CollectAsync(checkout, cancellationToken);

        public Task<IReadOnlyList<string>> ChangedFilesAsync(GitCheckout checkout, string head, CancellationToken cancellationToken) =>
            _git.ChangedFilesAsync(checkout, head, cancellationToken);

        public Task PushAsync(GitCheckout checkout, string head, CancellationToken cancellationToken)
        {
            (TokenAtPush, Pushed) = (secrets.GitHubToken, true);
            return _git.PushAsync(checkout, head, cancellationToken);
        }
    }
}
