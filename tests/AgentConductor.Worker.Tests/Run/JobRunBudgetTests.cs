using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Run;
using AgentConductor.Worker.Secrets;
using AgentConductor.Worker.Tests.Agent;
using AgentConductor.Worker.Tests.Fakes;
using AgentConductor.Worker.Tests.Git;
using AgentConductor.Worker.Tests.GitHub;

namespace AgentConductor.Worker.Tests.Run;

/// <summary>
/// A whole job under a budget, with the real pinned Codex CLI against the scripted model (which reports large usage),
/// real git pushing to a bare repository, the strict fake GitHub and the fake conductor: a run stopped at its cap
/// mid-run has its partial work pushed, its pull request says so and what it cost, and the result is BUDGET_EXCEEDED.
/// </summary>
public sealed class JobRunBudgetTests : IAsyncLifetime
{
    private const string ModelKey = "sk-proj-BudgetRunModelKey0123456789";
    private const string JobUrl = "https://conductor.example/#/jobs/" + FakeWorkerService.JobId;
    private const string Branch = $"agent/{FakeWorkerService.JobId}/fix";

    // One response reporting 600,000 input tokens (100,000 of them cached) and 50,000 output: 1.55 USD at Priced's prices.
    private static readonly ModelUsage Large = new(600_000, 100_000, 0, 50_000, 10_000);

    private readonly TempDirectory _work = TempDirectory.OutsideSystemTemp();
    private readonly ListLogger<JobBudgetGate> _gateLogger = new();
    private FakeWorkerService _conductor = null!;
    private GitHubHarness _gitHub = null!;
    private GitHarness _git = null!;
    private ScriptedModelServer? _model;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<ProgressEvent> Events => [.. _conductor.ProgressUpdates.Where(u => u.Progress is not null).Select(u => u.Progress)];

    public async ValueTask InitializeAsync()
    {
        _conductor = await FakeWorkerService.StartAsync(cancellationToken: Ct);
        _conductor.Files.Add(FakeTaskFile.Text("TASK.md", "# Fix the refunds\n"));
        _conductor.JobUrl = JobUrl;
        _gitHub = await GitHubHarness.StartAsync();
        _git = await new GitHarness().WithRemoteAsync(1, Ct);
        _conductor.CloneUrl = _git.CloneUrl;
    }

    public async ValueTask DisposeAsync()
    {
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        await _git.DisposeAsync();
        await _gitHub.DisposeAsync();
        await _conductor.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task RunAsync_TokenLimitReachedMidRun_PartialWorkPushedPullRequestSaysSoAndBudgetExceeded()
    {
        var exitCode = await RunAsync(
            ModelScript.Of(ModelStep.AddFile("src/half-done.txt", "partial work") with { Usage = Large }, ModelStep.Message("The model never gets to say this.")),
            Priced(maxTokens: 500_000));

        Assert.Equal(WorkerExitCodes.BudgetExceeded, exitCode);
        _model!.AssertNoFailures();
        Assert.Single(_model.Requests);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal(
            (ResultStatus.BudgetExceeded, "budget_exceeded", "the run stopped at its budget: used 650,000 tokens of the job's 500,000 token limit"),
            (result.Status, result.Error.Code, result.Error.Message));
        Assert.Equal((600_000L, 100_000L, 50_000L), (result.Usage.InputTokens, result.Usage.CachedInputTokens, result.Usage.OutputTokens));
        // The partial work is on the remote.
        Assert.Equal(Branch, result.Branch);
        Assert.Equal(await _git.Remote.BranchShaAsync(Branch, Ct), result.HeadCommit);
        Assert.Equal("partial work", await GitRemote.RunAsync(_git.Remote.BarePath, Ct, "show", $"{Branch}:src/half-done.txt"));
        // Its pull request says the run stopped at its budget, why, and what it cost.
        var pullRequest = Assert.Single(_gitHub.Server.PullRequests);
        Assert.Equal(pullRequest.HtmlUrl, result.PullRequestUrl);
        Assert.StartsWith(
            "> [!WARNING]\n> **The run stopped at its budget** (used 650,000 tokens of the job's 500,000 token limit). This pull request holds the agent's work until then",
            pullRequest.Body,
            StringComparison.Ordinal);
        Assert.Contains("**Status:** stopped at its budget (used 650,000 tokens of the job's 500,000 token limit)\n", pullRequest.Body, StringComparison.Ordinal);
        Assert.Contains("**Cost:** 1.55 USD (estimated", pullRequest.Body, StringComparison.Ordinal);
        Assert.Contains($"**Job:** [`{FakeWorkerService.JobId}`]({JobUrl})", pullRequest.Body, StringComparison.Ordinal);
        _gitHub.Server.AssertNoFailures();
        // The conductor heard of the stop once and of both requests, the refused one included.
        Assert.Equal("tokens", Assert.Single(Events, e => e.BudgetReached is not null).BudgetReached.Limit);
        Assert.Equal([200, 429], Events.Where(e => e.ModelRequest is not null).Select(e => e.ModelRequest.Status));
        Assert.Single(_gateLogger.Entries, e => e.EventName == "JobBudgetReached");
    }

    [Fact]
    public async Task RunAsync_StoppedAtTheBudgetAndGitHubRefusesThePullRequest_StillBudgetExceededNamingBoth()
    {
        _gitHub.Server.RespondNext(AgentConductor.TestSupport.FakeGitHub.FakeGitHubResponse.Create(401, "Bad credentials"));

        var exitCode = await RunAsync(
            ModelScript.Of(ModelStep.AddFile("src/half-done.txt", "partial work") with { Usage = Large }, ModelStep.Message("The model never gets to say this.")),
            Priced(maxTokens: 500_000));

        Assert.Equal(WorkerExitCodes.BudgetExceeded, exitCode);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal((ResultStatus.BudgetExceeded, "budget_exceeded", Branch), (result.Status, result.Error.Code, result.Branch));
        Assert.StartsWith(
            "the run stopped at its budget: used 650,000 tokens of the job's 500,000 token limit; the branch is pushed but the pull request failed: GitHub GET repos/acme/app/pulls answered 401",
            result.Error.Message,
            StringComparison.Ordinal);
        Assert.Equal(await _git.Remote.BranchShaAsync(Branch, Ct), result.HeadCommit);
    }

    [Fact]
    public async Task RunAsync_StoppedAtTheBudgetBeforeAnyChange_BudgetExceededWithNothingPushed()
    {
        var exitCode = await RunAsync(
            ModelScript.Of(ModelStep.Shell("ls") with { Usage = Large }, ModelStep.Message("The model never gets to say this.")),
            Priced(maxTokens: 500_000));

        Assert.Equal(WorkerExitCodes.BudgetExceeded, exitCode);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal((ResultStatus.BudgetExceeded, "", ""), (result.Status, result.Branch, result.PullRequestUrl));
        Assert.Null(await _git.Remote.BranchShaAsync(Branch, Ct));
        Assert.Empty(_gitHub.Server.PullRequests);
    }

    [Fact]
    public async Task RunAsync_UnderItsBudget_SucceedsAndThePullRequestShowsTheCost()
    {
        var exitCode = await RunAsync(
            ModelScript.Of(ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.Message("Fixed the refunds.")),
            Priced(maxTokens: 500_000));

        Assert.Equal(WorkerExitCodes.Succeeded, exitCode);
        var result = Assert.Single(_conductor.Results);
        Assert.Equal(ResultStatus.Succeeded, result.Status);
        var pullRequest = Assert.Single(_gitHub.Server.PullRequests);
        Assert.DoesNotContain("[!WARNING]", pullRequest.Body, StringComparison.Ordinal);
        Assert.Contains("**Status:** completed\n", pullRequest.Body, StringComparison.Ordinal);
        // Two responses of 1,000 input (200 cached, 100 written to the cache) and 50 output: 2 x 0.0022 USD.
        Assert.Contains("**Cost:** 0.0044 USD (estimated", pullRequest.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(Events, e => e.BudgetReached is not null);
        Assert.Equal([200, 200], Events.Where(e => e.ModelRequest is not null).Select(e => e.ModelRequest.Status));
    }

    [Fact]
    public async Task RunAsync_NoBudgetInTheSpec_CostUnknownAndNothingRefused()
    {
        var exitCode = await RunAsync(ModelScript.Of(ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.Message("Fixed it.")), budget: null);

        Assert.True(exitCode == WorkerExitCodes.Succeeded, Assert.Single(_conductor.Results).ToString());
        Assert.Contains("**Cost:** unknown (no price for the job's model)", Assert.Single(_gitHub.Server.PullRequests).Body, StringComparison.Ordinal);
        Assert.Equal(2, _model!.Requests.Count);
    }

    /// <summary>USD per million: input 2, cached 0.50, cache write 2, output 10; no compute price (the cost does not depend on the clock).</summary>
    private static JobBudget Priced(long maxTokens) => new()
    {
        MaxTokens = maxTokens,
        TokenPrices = new TokenPrices
        {
            Entry = "default",
            Input = new Usd { Units = 2 },
            CachedInput = new Usd { Nanos = 500_000_000 },
            CacheWriteInput = new Usd { Units = 2 },
            Output = new Usd { Units = 10 },
        },
    };

    private async Task<int> RunAsync(ModelScript script, JobBudget? budget)
    {
        _model = await ScriptedModelServer.StartAsync(script, ModelKey, cancellationToken: Ct);
        _conductor.Agent = new AgentSettings { ModelBaseUrl = _model.BaseUrl };
        _conductor.Budget = budget;
        var settings = new WorkerSettings(
            _conductor.Address, FakeWorkerService.JobId, FakeWorkerService.Token, GitHubHarness.Token, ModelKey, _work.File("work"), _gitHub.Options.ApiBaseUrl, false)
        {
            GitHubRepository = "acme/app",
        };
        var masker = new SecretMasker();
        var secrets = new WorkerSecrets(masker) { JobToken = FakeWorkerService.Token, GitHubToken = GitHubHarness.Token, ModelKey = ModelKey };
        var account = AgentUsers.Account();
        var gate = new JobBudgetGate(TimeProvider.System, _gateLogger);
        var agent = AgentRunners.Create(
            new ProcessRunner(new ListLogger<ProcessRunner>(), TimeProvider.System, masker),
            masker,
            new AgentOptions { Command = [CodexCli.Require()], IdleTimeout = TimeSpan.FromSeconds(60), Timeout = TimeSpan.FromSeconds(120), InterruptGrace = TimeSpan.FromSeconds(5) },
            account: account,
            gate: gate);
        using var client = ConductorClients.Create(_conductor.Address, TimeProvider.System);
        // The job's own account names no agent user: after its run a job kills every process of that user, and other
        // tests run their agents as the same user meanwhile. Codex and git still run as the agent's user (account).
        var safety = new JobSafety(masker, secrets, AgentAccount.SameAsWorker("the agent's user is shared with tests running alongside"));
        var run = new JobRun(settings, client, _git.Workspace, agent, _gitHub.Publisher, safety, TimeProvider.System, new ListLogger<JobRun>(), budget: gate);
        return await run.RunAsync(Ct);
    }
}
