using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests.Security;

/// <summary>
/// A hostile agent on the embedded default: the real conductor (this process, root, with its own secrets in its
/// environment) launches the real worker with the local launcher; the worker runs the real Codex CLI as the agent's
/// user (10001), and Codex runs <c>hostile-agent.sh</c> because the scripted model asks it to. It gets no secret,
/// none is stored anywhere, no program it planted runs with one, its daemon dies with it, and the push goes to the
/// configured remote only.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class HostileAgentLocalTests : IAsyncDisposable
{
    // The workers' folders are outside the temp dir, as the worker's default keeps them.
    private readonly TempDirectory _workers = TempDirectory.OutsideSystemTemp();
    private readonly Dictionary<string, string?> _saved = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostileAgent_Locally_ObtainsNoSecretStoresNoneAndCannotRedirectThePush()
    {
        Assert.SkipUnless(HostileAgentRig.RunsAsRoot, "the worker can give the agent a user of its own only as root; CI runs the tests as root");
        await using var rig = await HostileAgentRig.StartAsync([_workers.Path, "/tmp/agent-conductor-tests"], Ct);
        Set("Agent__Command__0", CodexCli.Require());
        Set("Agent__Command__1", null);
        Set("WORK_DIR", null);
        Set("CODEX_API_KEY", rig.ModelKey);
        Set("GITHUB_TOKEN", rig.GitHubToken);
        Set("GITHUB_API_URL", rig.GitHub.BaseUrl.ToString());
        Set("GITHUB_REPOSITORY", "acme/app");
        foreach (var (name, value) in rig.ConductorSecrets)
        {
            Set(name, value);
        }

        await using var host = await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={rig.CloneUrl}",
                "--Routing:Default:BaseBranch=main",
                $"--LocalLauncher:LogFolder={_workers.Path}",
                $"--Agent:ModelBaseUrl={rig.Model.BaseUrl}",
            ],
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            cancellationToken: Ct);

        var jobId = await JobApi.PostTicketAsync(host, "SEC-1");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        var workerLog = File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.log"));
        Assert.True(state == "succeeded", $"job ended {state}: {job}\n{workerLog}");
        rig.Model.AssertNoFailures();
        rig.GitHub.AssertNoFailures();
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        var loot = rig.Remote.Show(branch, "loot.txt");
        HostileAgentChecks.LootHoldsNoSecret(rig, loot, Path.Combine(_workers.Path, jobId, "work"));
        HostileAgentChecks.PlantedProgramsGotNothing(rig);
        await HostileAgentChecks.DaemonIsGoneAsync(rig, Ct);
        HostileAgentChecks.PushWentToTheCloneUrlOnly(rig);
        Assert.Single(rig.GitHub.PullRequests);
        HostileAgentChecks.StoredNowhere(
            rig,
            host,
            ("the worker's log", workerLog),
            ("the job's log", string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)))));
        Assert.Contains("starting the agent", workerLog, StringComparison.Ordinal);
        Assert.Contains("as user 10001:10001", workerLog, StringComparison.Ordinal);
        Assert.DoesNotContain("runs as the worker's own user", workerLog, StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        _workers.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Set(string name, string? value)
    {
        _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
    }
}
