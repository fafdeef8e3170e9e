using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// The images <c>scripts/build-images.sh</c> builds, run as an operator would: the worker image's contents and user,
/// and the conductor image running in a container (host network, its state on a /data volume, the engine's socket)
/// launching worker containers, reporting healthy and draining on the shutdown flag.
/// </summary>
public sealed class ImageTests : IAsyncDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private readonly string _instance = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WorkerImage_RootWorkerAgentUserGitNodeThePinnedCodexSetprivAndAWorkFolderOutsideTmp()
    {
        await DockerEngine.RequireImagesAsync(Ct);
        using var pins = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docker", "codex", "package.json")));
        var pinned = pins.RootElement.GetProperty("dependencies").GetProperty("@openai/codex").GetString();
        const string AsAgent = "setpriv --reuid=10001 --regid=10001 --clear-groups --no-new-privs --";

        var (exit, stdout, stderr) = await DockerEngine.RunAsync(
            Ct, "run", "--rm", "--network", "none", "--label", "agent-conductor.instance=" + _instance, "--entrypoint", "/bin/sh", DockerEngine.WorkerImage,
            "-c", "id -u; id -u agent; git --version; node --version; codex --version; " +
                $"{AsAgent} sh -c 'test -w /opt/agent-worker || test -w /opt/codex' && echo app-writable || echo app-read-only; " +
                "echo \"$WORK_DIR\"; stat -c %a /work; " +
                $"{AsAgent} env HOME=/tmp codex --version");

        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0", lines[0]); // the worker is root, to run the agent as its own user
        Assert.Equal("10001", lines[1]);
        Assert.StartsWith("git version ", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("v", lines[3], StringComparison.Ordinal);
        Assert.Equal($"codex-cli {pinned}", lines[4]);
        Assert.Equal("app-read-only", lines[5]); // for the agent's user
        // The work folder is not under /tmp (Codex refuses to create its helper binaries there).
        Assert.Equal("/work", lines[6]);
        Assert.Equal("1777", lines[7]);
        Assert.Equal($"codex-cli {pinned}", lines[8]); // the agent's user runs the Codex CLI
    }

    [Fact]
    public async Task ConductorImage_LaunchesWorkerContainers_KeepsItsStateOnTheVolume_AndDrainsOnTheFlag()
    {
        await DockerEngine.RequireImagesAsync(Ct, DockerEngine.WorkerImage, DockerEngine.ConductorImage);
        var remote = BareRepository.Create(_directory);
        var data = Directory.CreateDirectory(_directory.File("data")).FullName;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111); // the conductor runs as uid 10001
        }

        var (apiPort, workerPort) = (FreePort.Next(), FreePort.Next());
        const string Key = "sk-e2e-image-model-key-0123456789";
        await using var model = await ScriptedModelServer.StartAsync(
            ModelScript.Of(ModelStep.AddFile("src/fix.txt", "fixed by a contained conductor"), ModelStep.Message("Fixed.")), Key, cancellationToken: Ct);
        var name = "agent-conductor-" + _instance;
        string[] settings =
        [
            $"Urls=http://127.0.0.1:{apiPort}", $"WorkerApi__Urls=http://127.0.0.1:{workerPort}", $"HEALTHCHECK_URL=http://127.0.0.1:{apiPort}/healthz/ready",
            "Shutdown__PollInterval=00:00:00.200", "Dispatch__PollInterval=00:00:00.200", "Reconcile__PollInterval=00:00:00.500",
            $"Routing__Default__CloneUrl={remote.CloneUrl}", "Routing__Default__BaseBranch=main",
            $"DockerLauncher__Image={DockerEngine.WorkerImage}", $"DockerLauncher__Instance={_instance}", "DockerLauncher__Pull=never",
            "DockerLauncher__ExtraArgs__0=--volume", $"DockerLauncher__ExtraArgs__1={_directory.Path}:{_directory.Path}",
            "DockerLauncher__ExtraArgs__2=--user", $"DockerLauncher__ExtraArgs__3={await DockerEngine.HostUserAsync(Ct)}",
            "DockerLauncher__Environment__0=HOME=/tmp", $"DockerLauncher__Environment__1=CODEX_API_KEY={Key}",
            // The worker image's own Codex CLI against the scripted model on this host.
            $"Agent__ModelBaseUrl={model.BaseUrl}",
        ];
        var (exit, _, stderr) = await DockerEngine.RunAsync(
            Ct,
            [
                "run", "--detach", "--name", name, "--label", "agent-conductor.instance=" + _instance, "--network", "host", "--health-interval", "1s",
                "--volume", $"{data}:/data", "--volume", $"{DockerEngine.Socket}:/var/run/docker.sock", "--group-add", await DockerEngine.SocketGroupAsync(Ct),
                .. settings.SelectMany(s => new[] { "--env", s }), DockerEngine.ConductorImage,
            ]);
        Assert.True(exit == 0, stderr);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };

        await Eventually.ValueAsync(async () => await InspectAsync(name, "{{.State.Health.Status}}") == "healthy" ? true : (bool?)null, Ct, TimeSpan.FromSeconds(60));
        var jobId = await PostTicketAsync(http, "PAY-900");
        var job = await Eventually.ValueAsync(
            async () =>
            {
                var view = (await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{jobId}", Ct)).GetProperty("job");
                return view.GetProperty("state").GetString() is "succeeded" or "failed" or "no_changes" or "lost" or "cancelled" or "timed_out" ? (JsonElement?)view : null;
            },
            Ct,
            TimeSpan.FromSeconds(120));

        Assert.True(job.GetProperty("state").GetString() == "succeeded", $"job ended {job}: {await LogsAsync(name)}");
        model.AssertNoFailures();
        var branch = Assert.Single(remote.AgentBranches());
        Assert.StartsWith($"agent/{jobId}/", branch, StringComparison.Ordinal);
        Assert.Equal("fixed by a contained conductor", remote.Show(branch, "src/fix.txt").Trim());
        Assert.True(File.Exists(Path.Combine(data, "conductor.db")));
        Assert.True(File.Exists(Path.Combine(data, "jobs", jobId, "task", "TASK.md")));

        await File.WriteAllTextAsync(Path.Combine(data, "IS_CONDUCTOR_SHUTTING_DOWN"), "true", Ct);
        await Eventually.ValueAsync(async () => await InspectAsync(name, "{{.State.Status}}") == "exited" ? true : (bool?)null, Ct, TimeSpan.FromSeconds(60));

        Assert.Equal("0", await InspectAsync(name, "{{.State.ExitCode}}"));
        Assert.Equal("true", File.ReadAllText(Path.Combine(data, "CONDUCTOR_READY_FOR_SAFE_SHUTDOWN")).Trim());
    }

    public async ValueTask DisposeAsync()
    {
        await DockerEngine.RemoveContainersAsync("agent-conductor.instance=" + _instance);
        _directory.Dispose();
    }


    private static async Task<string> InspectAsync(string container, string format)
    {
        var (exit, stdout, stderr) = await DockerEngine.RunAsync(Ct, "container", "inspect", "--format", format, container);
        return exit == 0 ? stdout.Trim() : throw new InvalidOperationException(stderr);
    }

    private static async Task<string> LogsAsync(string container)
    {
        var (_, stdout, stderr) = await DockerEngine.RunAsync(Ct, "logs", container);
        return stdout + stderr;
    }

    private static async Task<string> PostTicketAsync(HttpClient http, string key)
    {
        using var content = new StringContent(Messages.TicketCreated(key, T0), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/v1/events", content, Ct);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }
}
