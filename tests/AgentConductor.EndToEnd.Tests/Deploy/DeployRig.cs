using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;

namespace AgentConductor.EndToEnd.Tests.Deploy;

/// <summary>
/// One conductor "host" for scripts/deploy-conductor.sh: a data folder with the flag files, free ports, and the
/// stand-in container commands (conductor-control-process.sh) that run the real conductor binary as a process, whose
/// local launcher starts real worker processes against a bare repository with the real Codex CLI and, when given, a
/// scripted model.
/// </summary>
internal sealed class DeployRig : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    // Outside the temp dir: the workers' work folders are inside it, as the worker's default keeps them.
    private readonly TempDirectory _directory = TempDirectory.OutsideSystemTemp();
    private readonly Dictionary<string, string?> _environment;

    public DeployRig(IEnumerable<string>? settings = null, ScriptedModelServer? model = null)
    {
        Directory.CreateDirectory(DataFolder);
        Directory.CreateDirectory(StandInFolder);
        var remote = BareRepository.Create(_directory);
        var apiPort = FreePort.Next();
        ApiUrl = new Uri($"http://127.0.0.1:{apiPort}");
        Http = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(10) };
        File.WriteAllLines(Path.Combine(StandInFolder, "conductor.args"),
        [
            $"--Urls={ApiUrl}",
            $"--WorkerApi:Urls=http://127.0.0.1:{FreePort.Next()}",
            $"--Storage:DatabasePath={Path.Combine(DataFolder, "conductor.db")}",
            $"--Shutdown:FlagPath={FlagPath}",
            $"--Shutdown:ReadyPath={ReadyPath}",
            "--Shutdown:PollInterval=00:00:00.200",
            "--Dispatch:PollInterval=00:00:00.200",
            $"--TaskFiles:WorkFolder={_directory.File("jobs")}",
            $"--LocalLauncher:LogFolder={_directory.File("workers")}",
            $"--Routing:Default:CloneUrl={remote.CloneUrl}",
            "--Routing:Default:BaseBranch=main",
            .. model is null ? [] : new[] { $"--Agent:ModelBaseUrl={model.BaseUrl}" },
            .. settings ?? [],
        ]);
        _environment = new Dictionary<string, string?>
        {
            ["CONDUCTOR_CONTROL"] = Path.Combine(RepoPaths.Root, "tests", "AgentConductor.EndToEnd.Tests", "Deploy", "conductor-control-process.sh"),
            ["STANDIN_DIR"] = StandInFolder,
            ["CONDUCTOR_DLL"] = ConductorProcess.DllPath,
            ["CONDUCTOR_DATA_DIR"] = DataFolder,
            ["CONDUCTOR_URL"] = ApiUrl.ToString().TrimEnd('/'),
            ["CONDUCTOR_API_KEY"] = null,
            ["DEPLOY_POLL_SECONDS"] = "0.2",
            ["DEPLOY_SETTLE_SECONDS"] = "10",
            // The conductor's workers inherit these: the pinned Codex CLI, the model's key and nothing of other tests' settings.
            ["Agent__Command__0"] = CodexCli.Require(),
            ["Agent__Command__1"] = null,
            ["CODEX_API_KEY"] = model?.Credential,
        };
        foreach (var name in new[] { "WORK_DIR", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY" })
        {
            _environment[name] = null;
        }
    }

    public Uri ApiUrl { get; }

    public HttpClient Http { get; }

    public string DataFolder => _directory.File("data");

    public string StandInFolder => _directory.File("standin");

    public string FlagPath => Path.Combine(DataFolder, "IS_CONDUCTOR_SHUTTING_DOWN");

    public string ReadyPath => Path.Combine(DataFolder, "CONDUCTOR_READY_FOR_SAFE_SHUTDOWN");

    public string? Flag => File.Exists(FlagPath) ? File.ReadAllText(FlagPath).Trim() : null;

    /// <summary>The last lines the conductor started for <paramref name="tag"/> wrote, and its exit code once it exited: why a deploy failed.</summary>
    public string ConductorOutput(string tag)
    {
        var log = Path.Combine(StandInFolder, $"conductor-{tag}.log");
        var exit = Path.Combine(StandInFolder, $"conductor-{tag}.exit");
        var lines = File.Exists(log) ? File.ReadAllLines(log).TakeLast(40) : ["(no log)"];
        return $"--- conductor {tag} (exit {(File.Exists(exit) ? File.ReadAllText(exit).Trim() : "none yet")})\n{string.Join('\n', lines)}";
    }

    /// <summary>The tag the stand-in last started and the pid of that conductor while it runs.</summary>
    public (string Tag, int Pid)? Running
    {
        get
        {
            var pidFile = Path.Combine(StandInFolder, "conductor.pid");
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || !IsAlive(pid))
            {
                return null;
            }

            return (File.ReadAllText(Path.Combine(StandInFolder, "conductor.tag")).Trim(), pid);
        }
    }

    /// <summary>The container commands the deploy issued, one per line (<c>fetch v2</c>, <c>current</c>, <c>start v2</c> ...), without the <c>current</c> queries.</summary>
    public IReadOnlyList<string> Actions =>
        [.. File.ReadAllLines(Path.Combine(StandInFolder, "calls")).Where(line => line != "current")];

    public Task<ProcessRun.Result> DeployAsync(params string[] arguments) =>
        ScriptRun.RunAsync("scripts/deploy-conductor.sh", arguments, _environment, TestContext.Current.CancellationToken);

    public Task<ProcessRun.Result> DeployAsync(string[] arguments, Func<int, Task> whileRunning) =>
        ScriptRun.RunAsync("scripts/deploy-conductor.sh", arguments, _environment, TestContext.Current.CancellationToken, whileRunning);

    /// <summary>Runs one stand-in container command directly, as an interrupted earlier deploy would have.</summary>
    public async Task ControlAsync(params string[] arguments)
    {
        var result = await ScriptRun.RunAsync("tests/AgentConductor.EndToEnd.Tests/Deploy/conductor-control-process.sh", arguments, _environment, TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>The exit code of the conductor that ran TAG, once it has exited.</summary>
    public async Task<int> ExitCodeAsync(string tag)
    {
        var file = Path.Combine(StandInFolder, $"conductor-{tag}.exit");
        var text = await Eventually.ValueAsync(() => File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } t ? t : null, TestContext.Current.CancellationToken);
        return int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<JsonElement> StatusAsync() =>
        await Http.GetFromJsonAsync<JsonElement>("/v1/status", TestContext.Current.CancellationToken);

    public async Task<HttpStatusCode> PostTicketAsync(string key)
    {
        using var content = new StringContent(Messages.TicketCreated(key, T0), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync("/v1/events", content, TestContext.Current.CancellationToken);
        return response.StatusCode;
    }

    public async Task<string> JobStateAsync(string ticketKey)
    {
        var jobs = await Http.GetFromJsonAsync<JsonElement>("/v1/jobs", TestContext.Current.CancellationToken);
        return jobs.GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("ticketKey").GetString() == ticketKey).GetProperty("state").GetString()!;
    }

    public async Task WaitForJobStateAsync(string ticketKey, params string[] states) =>
        await Eventually.ValueAsync(
            async () =>
            {
                var state = await JobStateAsync(ticketKey);
                return states.Contains(state) ? (bool?)true : null;
            },
            TestContext.Current.CancellationToken,
            TimeSpan.FromSeconds(60));

    public void Dispose()
    {
        Http.Dispose();
        if (Running is { } running)
        {
            try
            {
                using var process = Process.GetProcessById(running.Pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Exited meanwhile.
            }
        }

        _directory.Dispose();
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
