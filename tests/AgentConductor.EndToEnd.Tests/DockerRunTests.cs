using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// <c>Launcher:Kind = docker</c> end to end: the real conductor starts each worker as a container of the worker image
/// (<c>scripts/build-images.sh</c>) on the real Docker engine. The container clones a bare repository mounted at the
/// same path, runs the Codex CLI baked into the image against the scripted model (host network, 127.0.0.1) and
/// pushes. Skipped without an engine unless <c>REQUIRE_DOCKER</c> is set.
/// </summary>
public sealed class DockerRunTests : IAsyncDisposable
{
    private const string Key = "sk-e2e-docker-model-key-0123456789";
    private readonly TempDirectory _directory = new();
    private readonly string _instance = "e2e-" + Guid.NewGuid().ToString("N")[..12];
    private ScriptedModelServer? _model;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ScriptedModelServer Model => _model!;

    [Fact]
    public async Task Ticket_WorkedByAWorkerContainer_BranchPushedAndJobSucceeded()
    {
        await DockerEngine.RequireImagesAsync(Ct);
        var remote = BareRepository.Create(_directory);
        await using var host = await StartAsync(remote, ModelScripts.ShellPatchMessage, Key);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-412");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.True(state == "succeeded", $"job ended {state}: {job}\n{await LogsAsync(jobId)}");
        Model.AssertNoFailures();
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        Assert.StartsWith($"agent/{jobId}/", branch, StringComparison.Ordinal);
        Assert.Equal("changed by a shell command", remote.Show(branch, "shell.txt").Trim());
        Assert.Equal("added by a patch", remote.Show(branch, "patched.txt").Trim());
        Assert.Equal(["pending", "launching", "launched", "connected", "running", "succeeded"], job.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to").GetString()));
        Assert.Equal(ModelUsage.Default.Input * 3, job.GetProperty("job").GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal(ModelUsage.Default.CacheWriteInput * 3, job.GetProperty("job").GetProperty("usage").GetProperty("cacheWriteInputTokens").GetInt64());

        // The worker reports, then exits: the container ends a moment after the job.
        var container = await Eventually.ValueAsync(
            async () => await InspectAsync("agent-worker-" + jobId) is var c && c.GetProperty("State").GetProperty("Status").GetString() == "exited" ? (JsonElement?)c : null,
            Ct,
            TimeSpan.FromSeconds(60));
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

    [Theory]
    [InlineData("fails after editing")]
    [InlineData("model hangs")]
    [InlineData("model recovers from a 503")]
    [InlineData("model refuses the key")]
    public async Task Ticket_AgentScenarioInAWorkerContainer_EndsAsItDoesLocally(string scenario)
    {
        await DockerEngine.RequireImagesAsync(Ct);
        var remote = BareRepository.Create(_directory);
        (ModelScript Script, string[] Settings, string Key) setup = scenario switch
        {
            "fails after editing" => (ModelScripts.EditThenFail, ["--Agent:ExtraConfig:model_providers.agent_conductor.stream_max_retries=0"], Key),
            "model hangs" => (ModelScript.Of(ModelStep.HangMidStream()), ["--Agent:IdleTimeout=00:00:05"], Key),
            "model recovers from a 503" => (
                ModelScript.Of(ModelStep.HttpError(503, "The server is overloaded."), ModelStep.AddFile("src/fix.txt", "fixed"), ModelStep.Message("Fixed.")),
                ["--Agent:ExtraConfig:model_providers.agent_conductor.request_max_retries=0"], Key),
            _ => (ModelScripts.ShellPatchMessage, ["--Agent:ExtraConfig:model_providers.agent_conductor.stream_max_retries=1"], "sk-e2e-a-key-the-model-does-not-take"),
        };
        await using var host = await StartAsync(remote, setup.Script, setup.Key, setup.Settings);

        var jobId = await JobApi.PostTicketAsync(host, "PAY-20");
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Model.AssertNoFailures();
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        var (code, message) = ((string?)host.Scalar("SELECT error_code FROM job_results WHERE job_id = @id", ("@id", jobId)),
            (string?)host.Scalar("SELECT error_message FROM job_results WHERE job_id = @id", ("@id", jobId)));
        var context = $"job ended {state}: {job}\n{await LogsAsync(jobId)}";
        switch (scenario)
        {
            case "fails after editing":
                Assert.True(state == "failed" && code == "agent_failed", context);
                Assert.Equal("the agent exited with code 1: stream disconnected before completion: The model failed to answer.", message);
                Assert.Equal("partial work", remote.Show(branch, "half-done.txt").Trim());
                break;
            case "model hangs":
                Assert.True(state == "failed" && code == "agent_idle", context);
                Assert.True(Model.HangStarted.IsCompleted, "the model never got to hang");
                Assert.True(await Model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Ct), "Codex never closed the hanging stream");
                break;
            case "model recovers from a 503":
                Assert.True(state == "succeeded", context);
                Assert.Equal([503, 200, 200], Model.Requests.Select(r => r.Status));
                Assert.Equal("fixed", remote.Show(branch, "src/fix.txt").Trim());
                break;
            default:
                Assert.True(state == "failed" && code == "agent_failed", context);
                Assert.StartsWith("the agent exited with code 1: the model API refused the agent's credential (401): check the CODEX_API_KEY", message, StringComparison.Ordinal);
                Assert.Equal(2, Model.Requests.Count); // the request and the one reconnect allowed
                break;
        }
    }

    [Fact]
    public async Task Cancel_WorkerThatDoesNotHearIt_ContainerStoppedAndTheWorkerPushesAndEndsCleanly()
    {
        await DockerEngine.RequireImagesAsync(Ct);
        var remote = BareRepository.Create(_directory);
        // The worker would only hear of the cancel at its next heartbeat, ten minutes away: the launcher must stop it.
        await using var host = await StartAsync(
            remote, ModelScripts.EditThenHang, Key, "--WorkerApi:HeartbeatInterval=00:10:00", "--Reconcile:CancelGrace=00:00:01", "--Reconcile:StopGrace=00:00:30");
        var jobId = await JobApi.PostTicketAsync(host, "PAY-77");
        await Model.HangStarted.WaitAsync(TimeSpan.FromSeconds(90), Ct);

        using var cancel = await host.Http.PostAsync($"/v1/jobs/{jobId}/cancel?reason=e2e", null, Ct);
        var (state, job) = await JobApi.WaitForEndAsync(host, jobId);

        Assert.Equal(System.Net.HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True(state == "cancelled", $"job ended {state}: {job}");
        // The worker may report before docker stop returns to the reconciler; the launcher logs once the container ended.
        await Eventually.ValueAsync(() => host.Logs.Entries.FirstOrDefault(e => e.EventName == "WorkerContainerStopped"), Ct, TimeSpan.FromSeconds(60));
        var container = await InspectAsync("agent-worker-" + jobId);
        Assert.Equal("exited", container.GetProperty("State").GetProperty("Status").GetString());
        // 50: the worker got the stop signal through tini, interrupted Codex, pushed its partial work and reported itself cancelled.
        Assert.True(container.GetProperty("State").GetProperty("ExitCode").GetInt32() == 50, await LogsAsync(jobId));
        var branch = (string)host.Scalar("SELECT branch FROM jobs WHERE id = @id", ("@id", jobId))!;
        Assert.Equal("partial work", remote.Show(branch, "half-done.txt").Trim());
        Assert.True(await Model.HangEnded.WaitAsync(TimeSpan.FromSeconds(10), Ct));
    }

    public async ValueTask DisposeAsync()
    {
        await DockerEngine.RemoveContainersAsync("agent-conductor.instance=" + _instance);
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }

        _directory.Dispose();
    }

    /// <param name="key">The CODEX_API_KEY the workers get (the model accepts only <see cref="Key"/>).</param>
    private async Task<ConductorHost> StartAsync(BareRepository remote, ModelScript script, string key, params string[] settings)
    {
        _model = await ScriptedModelServer.StartAsync(script, Key, cancellationToken: Ct);
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
                // The bare remote at the same path as on the host.
                "--DockerLauncher:ExtraArgs:0=--volume",
                $"--DockerLauncher:ExtraArgs:1={_directory.Path}:{_directory.Path}",
                // The remote belongs to whoever runs the tests: push as that user (root in CI, the image's own; as another
                // user the worker cannot give the agent a user of its own and says so).
                "--DockerLauncher:ExtraArgs:2=--user",
                $"--DockerLauncher:ExtraArgs:3={await DockerEngine.HostUserAsync(Ct)}",
                "--DockerLauncher:Environment:0=HOME=/tmp",
                $"--DockerLauncher:Environment:1=CODEX_API_KEY={key}",
                // The image's own Codex CLI (the default Agent:Command) talks to the scripted model over the host network.
                $"--Agent:ModelBaseUrl={_model.BaseUrl}",
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

    private static async Task<string> LogsAsync(string jobId)
    {
        var (_, stdout, stderr) = await DockerEngine.RunAsync(Ct, "logs", "agent-worker-" + jobId);
        return stdout + stderr;
    }
}
