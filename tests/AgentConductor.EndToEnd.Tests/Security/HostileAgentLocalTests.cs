using System.Text;
using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Aws;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.S3;
using AgentConductor.TestSupport.ScriptedModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentConductor.EndToEnd.Tests.Security;

/// <summary>
/// A hostile agent on the embedded default: the real conductor (this process, root, with its own secrets in its
/// environment) launches the real worker with the local launcher; the worker runs the real Codex CLI as the agent's
/// own user (from the launcher's uid pool), and Codex runs <c>hostile-agent.sh</c> because the scripted model asks it to. It gets no secret,
/// none is stored anywhere, no program it planted runs with one, its daemon dies with it, and the push goes to the
/// configured remote only.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class HostileAgentLocalTests : IAsyncDisposable
{
    private const string ArchiveBucket = "job-archive";
    private const int AgentUidBase = 10_201; // not the default: the agent's uid must come from the launcher's pool

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

        await using var s3 = await S3rver.StartAsync(ArchiveBucket);
        await using var host = await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={rig.CloneUrl}",
                "--Routing:Default:BaseBranch=main",
                $"--LocalLauncher:LogFolder={_workers.Path}",
                $"--LocalLauncher:AgentUidBase={AgentUidBase}",
                $"--Agent:ModelBaseUrl={rig.Model.BaseUrl}",
                $"--Archive:Bucket={ArchiveBucket}",
                $"--Archive:ServiceUrl={s3.ServiceUrl}",
                $"--Archive:Region={S3rver.Region}",
            ],
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            services: services =>
            {
                // The emulator's keys sign the archive's calls; the canaries stay the conductor's environment.
                services.RemoveAll<IAwsCredentials>();
                services.AddSingleton<IAwsCredentials>(new StaticAwsCredentials(S3rver.AccessKey, S3rver.SecretKey));
                services.Remove(services.Single(d => d.ImplementationType == typeof(ArchiveService)));
            },
            cancellationToken: Ct);

        var jobId = await JobApi.PostTicketAsync(host, "SEC-1");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        var workerLog = File.ReadAllText(Path.Combine(_workers.Path, jobId, "worker.log"));
        Assert.True(state == "succeeded", $"job ended {state}: {job}\n{workerLog}");
        rig.Model.AssertNoFailures();
        rig.GitHub.AssertNoFailures();
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        var loot = rig.Remote.Show(branch, "loot.txt");
        // The launcher's pool gave the agent the first uid from its base that nothing on the machine ran as.
        var agentUid = int.Parse(System.Text.RegularExpressions.Regex.Match(workerLog, @"as user (\d+):\1\b").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(agentUid, AgentUidBase, AgentUidBase + 100);
        HostileAgentChecks.LootHoldsNoSecret(rig, loot, Path.Combine(_workers.Path, jobId, "work"), agentUid);
        HostileAgentChecks.PlantedProgramsGotNothing(rig, agentUid);
        await HostileAgentChecks.DaemonIsGoneAsync(rig, Ct);
        HostileAgentChecks.PushWentToTheCloneUrlOnly(rig);
        Assert.Single(rig.GitHub.PullRequests);
        Assert.Equal(1, await host.Services.GetRequiredService<JobArchiver>().RunOnceAsync(Ct));
        var archive = new StringBuilder();
        foreach (var key in await s3.KeysAsync(ArchiveBucket, Ct))
        {
            archive.Append(await s3.ReadAsync(ArchiveBucket, key, Ct)).Append('\n');
        }

        Assert.Contains("downloading 3 task files", archive.ToString(), StringComparison.Ordinal); // the job's log is in it
        HostileAgentChecks.StoredNowhere(
            rig,
            host,
            ("the worker's log", workerLog),
            ("the job's log", string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)))),
            ("the S3 archive", archive.ToString()));
        Assert.Contains("starting the agent", workerLog, StringComparison.Ordinal);
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
