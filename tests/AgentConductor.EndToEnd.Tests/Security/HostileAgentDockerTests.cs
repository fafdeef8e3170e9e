using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests.Security;

/// <summary>
/// A hostile agent in the real worker image, launched by the real conductor's Docker launcher (capabilities dropped
/// but CHOWN, KILL, SETUID, SETGID; no-new-privileges; host network to reach the remotes and the scripted model on
/// 127.0.0.1): the worker runs as the image's root, the agent as user agent (10001). The conductor's own secrets are
/// in its environment; the worker's come as launcher settings. The same proof as locally: no secret reached the
/// agent or anything stored, no planted program ran with one, the push went to the configured remote only.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public sealed class HostileAgentDockerTests : IAsyncDisposable
{
    private readonly string _instance = "e2e-" + Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<string, string?> _saved = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostileAgent_InTheWorkerImage_ObtainsNoSecretStoresNoneAndCannotRedirectThePush()
    {
        await DockerEngine.RequireImagesAsync(Ct);
        await using var rig = await HostileAgentRig.StartAsync(["/work", "/tmp"], Ct);
        foreach (var (name, value) in rig.ConductorSecrets)
        {
            _saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
            Environment.SetEnvironmentVariable(name, value); // the conductor's own secrets, in its environment
        }

        await using var host = await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={rig.CloneUrl}",
                "--Routing:Default:BaseBranch=main",
                "--Launcher:Kind=docker",
                $"--DockerLauncher:Image={DockerEngine.WorkerImage}",
                $"--DockerLauncher:Instance={_instance}",
                "--DockerLauncher:Pull=never",
                "--DockerLauncher:Cpus=1",
                "--DockerLauncher:Memory=1g",
                // The hostile script and its markers, and the decoy (read-only), at the same paths as on the host.
                "--DockerLauncher:ExtraArgs:0=--volume",
                $"--DockerLauncher:ExtraArgs:1={rig.Tools}:{rig.Tools}",
                "--DockerLauncher:ExtraArgs:2=--volume",
                $"--DockerLauncher:ExtraArgs:3={rig.DecoyFolder}:{rig.DecoyFolder}:ro",
                $"--DockerLauncher:Environment:0=CODEX_API_KEY={rig.ModelKey}",
                $"--DockerLauncher:Environment:1=GITHUB_TOKEN={rig.GitHubToken}",
                $"--DockerLauncher:Environment:2=GITHUB_API_URL={rig.GitHub.BaseUrl}",
                "--DockerLauncher:Environment:3=GITHUB_REPOSITORY=acme/app",
                $"--Agent:ModelBaseUrl={rig.Model.BaseUrl}",
            ],
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            cancellationToken: Ct);

        var jobId = await JobApi.PostTicketAsync(host, "SEC-2");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        var container = "agent-worker-" + jobId;
        var containerLog = await LogsAsync(container);
        Assert.True(state == "succeeded", $"job ended {state}: {job}\n{containerLog}");
        rig.Model.AssertNoFailures();
        rig.GitHub.AssertNoFailures();
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        HostileAgentChecks.LootHoldsNoSecret(rig, rig.Remote.Show(branch, "loot.txt"), "/work", HostileAgentRig.AgentUid);
        HostileAgentChecks.PlantedProgramsGotNothing(rig, HostileAgentRig.AgentUid);
        HostileAgentChecks.PushWentToTheCloneUrlOnly(rig);
        Assert.Single(rig.GitHub.PullRequests);
        HostileAgentChecks.StoredNowhere(
            rig,
            host,
            ("the container's log", containerLog),
            ("the job's log", string.Join('\n', host.Strings("SELECT text FROM job_logs WHERE job_id = @id", ("@id", jobId)))));
        Assert.Contains("as user 10001:10001", containerLog, StringComparison.Ordinal);

        // The container got the worker's settings and nothing of the conductor's, and kept only four capabilities.
        var inspect = await InspectAsync(container);
        var environment = string.Join('\n', inspect.GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()));
        Assert.All(rig.ConductorSecrets.Values, secret => Assert.DoesNotContain(secret, environment, StringComparison.Ordinal));
        var hostConfig = inspect.GetProperty("HostConfig");
        Assert.Equal(["ALL"], hostConfig.GetProperty("CapDrop").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["CHOWN", "KILL", "SETGID", "SETUID"], hostConfig.GetProperty("CapAdd").EnumerateArray().Select(c => c.GetString()!.Replace("CAP_", "", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains("no-new-privileges", hostConfig.GetProperty("SecurityOpt").GetRawText(), StringComparison.Ordinal);
        Assert.Equal("", inspect.GetProperty("Config").GetProperty("User").GetString()); // the image's root
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        await DockerEngine.RemoveContainersAsync("agent-conductor.instance=" + _instance);
    }

    private static async Task<JsonElement> InspectAsync(string container)
    {
        var (exit, stdout, stderr) = await DockerEngine.RunAsync(Ct, "container", "inspect", container);
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement[0].Clone();
    }

    private static async Task<string> LogsAsync(string container)
    {
        var (_, stdout, stderr) = await DockerEngine.RunAsync(Ct, "logs", container);
        return stdout + stderr;
    }
}
