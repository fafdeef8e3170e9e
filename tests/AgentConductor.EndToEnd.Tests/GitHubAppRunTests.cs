using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// The whole path with a GitHub App: the real conductor mints an installation token at the worker's handshake, and the
/// real worker process clones and pushes over HTTP and opens the pull request with that token, against the strict fake
/// GitHub that checks the App's JWT and holds the token to its repository and permissions. Everything the worker needs
/// reaches it as arguments, not through this process's environment, which other test classes change while this runs.
/// </summary>
public sealed class GitHubAppRunTests : IAsyncDisposable
{
    private const string ModelKey = "sk-e2e-github-app-model-key-0123456789";
    private const string AppId = "777";

    private readonly TempDirectory _directory = new();
    private readonly TempDirectory _workers = TempDirectory.OutsideSystemTemp();
    private readonly BareRepository _remote;
    private ScriptedModelServer? _model;
    private FakeGitHubServer? _gitHub;

    public GitHubAppRunTests() => _remote = BareRepository.Create(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ticket_WithAGitHubApp_WorkerPushesAndOpensThePullRequestWithTheTokenMintedForIt()
    {
        using var key = FakeGitHubApp.CreateKey();
        await File.WriteAllTextAsync(_directory.File("app.pem"), key.ExportRSAPrivateKeyPem(), Ct);
        var app = new FakeGitHubApp(AppId, key);
        app.Install("acme", ["app"]);
        _gitHub = await FakeGitHubServer.StartAsync(app, cancellationToken: Ct);
        _gitHub.HostRepository("acme", "app", _remote.Path);
        _model = await ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.Message("Fixed it.")), ModelKey, cancellationToken: Ct);
        await using var host = await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={_gitHub.CloneUrl("acme", "app")}",
                "--Routing:Default:BaseBranch=main",
                $"--LocalLauncher:LogFolder={_workers.Path}",
                "--LocalLauncher:WorkerCommand:0=dotnet",
                $"--LocalLauncher:WorkerCommand:1={Path.Combine(AppContext.BaseDirectory, "AgentConductor.Worker.dll")}",
                $"--LocalLauncher:WorkerCommand:2=--GITHUB_API_URL={_gitHub.BaseUrl}",
                "--LocalLauncher:WorkerCommand:3=--GITHUB_TOKEN=",
                "--LocalLauncher:WorkerCommand:4=--GITHUB_REPOSITORY=",
                $"--LocalLauncher:WorkerCommand:5=--CODEX_API_KEY={ModelKey}",
                $"--LocalLauncher:WorkerCommand:6=--Agent:Command:0={CodexCli.Require()}",
                $"--Agent:ModelBaseUrl={_model.BaseUrl}",
                $"--GitHub:AppId={AppId}",
                $"--GitHub:AppPrivateKeyPath={_directory.File("app.pem")}",
                $"--GitHub:ApiUrl={_gitHub.BaseUrl}",
            ],
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            cancellationToken: Ct);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        var workerLog = WorkerLog(jobId);
        Assert.True(state == "succeeded", $"job ended {state}: {job}\n{workerLog}");
        _model.AssertNoFailures();
        _gitHub.AssertNoFailures();
        var minted = Assert.Single(app.Tokens);
        Assert.Equal(["acme/app"], minted.Repositories);
        var pullRequest = Assert.Single(_gitHub.PullRequests);
        Assert.StartsWith($"agent/{jobId}/", pullRequest.HeadRef, StringComparison.Ordinal);
        Assert.Equal("fixed", _remote.Show(pullRequest.HeadRef, "src/fix.txt").Trim());
        // The pull request calls and the git push carried the token minted for this job, and nothing else.
        var pullRequestCalls = _gitHub.Requests.Where(r => r.Path.StartsWith("/repos/acme/app/pulls", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(pullRequestCalls);
        Assert.All(pullRequestCalls, r => Assert.Equal($"Bearer {minted.Token}", r.Header("Authorization")));
        Assert.Contains(_gitHub.GitRequests, r => r is { Service: "git-receive-pack", Status: 200 } && r.Token == minted.Token);
        Assert.Contains(_gitHub.GitRequests, r => r is { Service: "git-upload-pack", Status: 200 } && r.Token == minted.Token);
        Assert.All(_gitHub.GitRequests.Where(r => r.Token is not null), r => Assert.Equal(minted.Token, r.Token));
        // ... and it is stored, logged and shown nowhere.
        var stored = string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)))
            + host.Scalar("SELECT summary FROM job_results WHERE job_id = @id", ("@id", jobId));
        Assert.Contains("Using the conductor's GitHub token for acme/app", workerLog, StringComparison.Ordinal);
        Assert.DoesNotContain(minted.Token, workerLog, StringComparison.Ordinal);
        Assert.DoesNotContain(minted.Token, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(minted.Token, host.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(minted.Token, pullRequest.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(minted.Token, job.ToString(), StringComparison.Ordinal);
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

    private string WorkerLog(string jobId) =>
        File.Exists(Path.Combine(_workers.Path, jobId, "worker.log")) ? File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.log")) : "";
}
