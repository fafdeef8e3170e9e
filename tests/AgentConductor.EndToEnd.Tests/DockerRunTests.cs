using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// <c>Launcher:Kind = docker</c> end to end: the real conductor starts each worker as a container of the worker image
/// (<c>scripts/build-images.sh</c>) on the real Docker engine. The container clones a bare repository mounted at the
/// same path, runs the scripted Codex stand-in (mounted too) and pushes. Skipped without an engine unless
/// <c>REQUIRE_DOCKER</c> is set.
/// </summary>
public sealed class DockerRunTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _instance = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ticket_WorkedByAWorkerContainer_BranchPushedAndJobSucceeded()
    {
        await DockerEngine.RequireImagesAsync(Ct);
        var remote = BareRepository.Create(_directory);
        await using var host = await StartAsync(remote, "success", "--DockerLauncher:Environment:9=FAKE_CODEX_EDITS=src/fix.txt=fixed in a container");

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "succeeded", $"job ended {state}: {job}");
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        Assert.StartsWith($"agent/{jobId}/", branch, StringComparison.Ordinal);
        Assert.Equal("fixed in a container", remote.Show(branch, "src/fix.txt").Trim());
        Assert.Equal(["pending", "launching", "launched", "connected", "running", "succeeded"], job.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to").GetString()));

        var container = await InspectAsync("agent-worker-" + jobId);
        Assert.Equal("exited", container.GetProperty("State").GetProperty("Status").GetString());
        Assert.Equal(0, container.GetProperty("State").GetProperty("ExitCode").GetInt32());
        var labels = container.GetProperty("Config").GetProperty("Labels");
        Assert.Equal(jobId, labels.GetProperty("agent-conductor.job-id").GetString());
        Assert.Equal("ticket", labels.GetProperty("agent-conductor.kind").GetString());
        Assert.Equal("PAY-412", labels.GetProperty("agent-conductor.subject").GetString());
        var hostConfig = container.GetProperty("HostConfig");
        Assert.Equal("host", hostConfig.GetProperty("NetworkMode").GetString());
        Assert.Equal(1_000_000_000L, hostConfig.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(1L << 30, hostConfig.GetProperty("Memory").GetInt64());

        // The token reached the container's environment (it hashes to the stored hash) and nothing else of it.
        var token = container.GetProperty("Config").GetProperty("Env").EnumerateArray().Select(e => e.GetString()!)
            .Single(e => e.StartsWith("JOB_TOKEN=", StringComparison.Ordinal))["JOB_TOKEN=".Length..];
        Assert.Equal((byte[])host.Scalar("SELECT token_hash FROM jobs WHERE id = @id", ("@id", jobId))!, SHA256.HashData(Encoding.ASCII.GetBytes(token)));
        Assert.DoesNotContain(token, container.GetProperty("Args").GetRawText() + container.GetProperty("Config").GetProperty("Cmd").GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, host.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_WorkerThatDoesNotHearIt_ContainerStoppedByTheLauncherAndTheWorkerEndsCleanly()
    {
        await DockerEngine.RequireImagesAsync(Ct);
        var remote = BareRepository.Create(_directory);
        // The worker would only hear of the cancel at its next heartbeat, an hour away: the launcher must stop it.
        await using var host = await StartAsync(
            remote, "hang", "--WorkerApi:HeartbeatInterval=00:10:00", "--Reconcile:CancelGrace=00:00:01", "--Reconcile:StopGrace=00:00:30");
        var jobId = await JobApi.PostTicketAsync(host, "PAY-77");
        await Eventually.ValueAsync(
            () => host.Scalar("SELECT worker_phase FROM jobs WHERE id = @id", ("@id", jobId)) as string == "RunningAgent" ? "agent started" : null, Ct, TimeSpan.FromSeconds(90));

        using var cancel = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=e2e", null, Ct);
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True(state == "cancelled", $"job ended {state}: {job}");
        // The worker may report before docker stop returns to the reconciler; the launcher logs once the container ended.
        await Eventually.ValueAsync(() => host.Logs.Entries.FirstOrDefault(e => e.EventName == "WorkerContainerStopped"), Ct, TimeSpan.FromSeconds(60));
        var container = await InspectAsync("agent-worker-" + jobId);
        Assert.Equal("exited", container.GetProperty("State").GetProperty("Status").GetString());
        // 50: the worker got the stop signal through tini, interrupted the agent and reported itself cancelled.
        var (_, output, errors) = await DockerEngine.RunAsync(Ct, "logs", "agent-worker-" + jobId);
        Assert.True(container.GetProperty("State").GetProperty("ExitCode").GetInt32() == 50, output + errors);
    }

    public async ValueTask DisposeAsync()
    {
        await DockerEngine.RemoveContainersAsync("agent-conductor.instance=" + _instance);
        _directory.Dispose();
    }

    private async Task<ConductorHost> StartAsync(BareRepository remote, string agentMode, params string[] settings)
    {
        var fakeCodex = Path.Combine(RepoPaths.Root, "tests", "tools", "fake-codex.js");
        return await ConductorHost.StartAsync(
            [
                $"--Routing:Default:CloneUrl={remote.CloneUrl}",
                "--Routing:Default:BaseBranch=main",
                "--Launcher:Kind=docker",
                $"--DockerLauncher:Image={DockerEngine.WorkerImage}",
                $"--DockerLauncher:Instance={_instance}",
                "--DockerLauncher:Pull=never",
                "--DockerLauncher:Cpus=1",
                "--DockerLauncher:Memory=1g",
                // The bare remote at the same path as on the host, and the scripted agent.
                "--DockerLauncher:ExtraArgs:0=--volume",
                $"--DockerLauncher:ExtraArgs:1={_directory.Path}:{_directory.Path}",
                "--DockerLauncher:ExtraArgs:2=--volume",
                $"--DockerLauncher:ExtraArgs:3={fakeCodex}:/opt/fake-codex.js:ro",
                // The remote belongs to whoever runs the tests: push as that user (the image's own user is 10001).
                "--DockerLauncher:ExtraArgs:4=--user",
                $"--DockerLauncher:ExtraArgs:5={await DockerEngine.HostUserAsync(Ct)}",
                "--DockerLauncher:Environment:0=HOME=/tmp",
                "--DockerLauncher:Environment:1=Agent__Command__0=node",
                "--DockerLauncher:Environment:2=Agent__Command__1=/opt/fake-codex.js",
                $"--DockerLauncher:Environment:3=FAKE_CODEX_MODE={agentMode}",
                .. settings,
            ],
            defaultRoute: false,
            jobsEngine: true,
            realLauncher: true,
            cancellationToken: Ct);
    }

    private static async Task<JsonElement> InspectAsync(string container)
    {
        var (exit, stdout, stderr) = await DockerEngine.RunAsync(Ct, "container", "inspect", container);
        Assert.True(exit == 0, stderr);
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement[0].Clone();
    }
}
