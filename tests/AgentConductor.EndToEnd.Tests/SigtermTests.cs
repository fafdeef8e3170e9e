using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Launching.Local;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.ScriptedModel;
using Microsoft.Data.Sqlite;

namespace AgentConductor.EndToEnd.Tests;

/// <summary>
/// SIGTERM without the shutdown flag: the real conductor process stops promptly without draining or writing READY,
/// its worker (the real worker binary, with an agent that never finishes) keeps running, and the next conductor on the
/// same database and ports re-adopts it: the job stays running and the worker's heartbeats reach the new conductor.
/// The agent is the real Codex CLI waiting on a scripted model that hangs in the middle of its answer.
/// </summary>
public sealed class SigtermTests : IDisposable
{
    private const string Key = "sk-e2e-sigterm-model-key-0123456789";

    // Outside the temp dir: the workers' work folders are inside it, as the worker's default keeps them.
    private readonly TempDirectory _directory = TempDirectory.OutsideSystemTemp();
    private readonly BareRepository _remote;
    private readonly List<int> _workerPids = [];

    public SigtermTests() => _remote = BareRepository.Create(_directory);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var pid in _workerPids)
        {
            try
            {
                Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task Sigterm_WithoutTheFlag_ExitsWithoutDrainingAndTheNextConductorReadoptsTheWorker()
    {
        var (apiPort, workerPort) = (FreePort.Next(), FreePort.Next());
        await using var model = await HangingModelAsync();
        var first = RunningConductor.Start(_directory.Path, apiPort, workerPort, _remote.CloneUrl, model.BaseUrl);
        string jobId;
        int workerPid;
        int exitCode;
        string firstOutput;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
            await Eventually.ValueAsync(() => ReadyAsync(http), Ct, TimeSpan.FromSeconds(60));
            jobId = await PostTicketAsync(http);
            await Eventually.ValueAsync(async () => await StateAsync(http, jobId) == "running" ? true : (bool?)null, Ct, TimeSpan.FromSeconds(30));
            workerPid = int.Parse(File.ReadAllText(Path.Combine(_directory.Path, "data", "jobs", jobId, "worker.pid")).Trim());
            _workerPids.Add(workerPid);

            Assert.Equal(0, Kill(first.Process.Id, "TERM"));
            Assert.True(first.Process.WaitForExit(TimeSpan.FromSeconds(30)), "the conductor did not exit within 30 s of SIGTERM");
            exitCode = first.Process.ExitCode;
            first.Process.WaitForExit(); // drains the output readers
            firstOutput = string.Join('\n', first.Output);
        }
        finally
        {
            first.Dispose();
        }

        Assert.True(exitCode == 0, $"exit code {exitCode}; the conductor printed:\n{firstOutput}");
        Assert.False(File.Exists(Path.Combine(_directory.Path, "CONDUCTOR_READY_FOR_SAFE_SHUTDOWN")), "SIGTERM must not report a drained conductor");
        Assert.True(IsAlive(workerPid), "the worker must outlive the conductor");

        using var second = RunningConductor.Start(_directory.Path, apiPort, workerPort, _remote.CloneUrl, model.BaseUrl);
        var adopted = $"Job {jobId}: worker {jobId} still runs after the restart";
        var timeout = await Record.ExceptionAsync(() => Eventually.ValueAsync(() => second.Output.FirstOrDefault(l => l.Contains(adopted, StringComparison.Ordinal)), Ct, TimeSpan.FromSeconds(60)));
        Assert.True(timeout is null, $"the restarted conductor never logged '{adopted}'; it printed:\n{string.Join('\n', second.Output)}");
        var adoptedAt = LastSeen(jobId);
        await Eventually.ValueAsync(() => LastSeen(jobId) > adoptedAt ? "heartbeat" : null, Ct, TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        Assert.Equal("running", await StateAsync(client, jobId));
        Assert.True(IsAlive(workerPid));
    }

    [Fact]
    public async Task StartedWithInterruptsIgnored_TheConductorGivesThemBackSoItsWorkersCanBeInterrupted()
    {
        var (apiPort, workerPort) = (FreePort.Next(), FreePort.Next());
        await using var model = await HangingModelAsync();
        // What a non-interactive shell does to a command it starts in the background (scripts/run-local.sh).
        using var conductor = RunningConductor.Start(_directory.Path, apiPort, workerPort, _remote.CloneUrl, model.BaseUrl, interruptsIgnored: true);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPort}") };
        await Eventually.ValueAsync(() => ReadyAsync(http), Ct, TimeSpan.FromSeconds(60));
        var jobId = await PostTicketAsync(http);
        await Eventually.ValueAsync(async () => await StateAsync(http, jobId) == "running" ? true : (bool?)null, Ct, TimeSpan.FromSeconds(30));
        var workerPid = int.Parse(File.ReadAllText(Path.Combine(_directory.Path, "data", "jobs", jobId, "worker.pid")).Trim());
        _workerPids.Add(workerPid);

        Assert.Equal((false, false), IgnoresInterrupts(conductor.Process.Id));
        Assert.Equal((false, false), IgnoresInterrupts(workerPid));
    }

    private static Task<ScriptedModelServer> HangingModelAsync() =>
        ScriptedModelServer.StartAsync(ModelScript.Of(ModelStep.HangMidStream()), Key, cancellationToken: Ct);

    /// <summary>Whether the process ignores SIGINT and SIGQUIT.</summary>
    private static (bool Int, bool Quit) IgnoresInterrupts(int pid)
    {
        var ignored = ProcessControl.IgnoredSignals(pid.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new InvalidOperationException($"/proc/{pid}/status has no SigIgn line");
        return (ProcessControl.Ignores(ignored, ProcessControl.SigInt), ProcessControl.Ignores(ignored, ProcessControl.SigQuit));
    }

    private static async Task<bool?> ReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/healthz/ready", Ct)).IsSuccessStatusCode ? true : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<string> PostTicketAsync(HttpClient http)
    {
        using var content = new StringContent(Messages.TicketCreated("PAY-77", DateTimeOffset.UtcNow), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("/v1/events", content, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("decisions")[0].GetProperty("jobId").GetString()!;
    }

    private static async Task<string> StateAsync(HttpClient http, string jobId)
    {
        var job = await http.GetFromJsonAsync<JsonElement>($"/v1/jobs/{jobId}", Ct);
        return job.GetProperty("job").GetProperty("state").GetString()!;
    }

    private long LastSeen(string jobId)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "data", "conductor.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(last_seen_at, 0) FROM jobs WHERE id = @id";
        command.Parameters.AddWithValue("@id", jobId);
        return (long)command.ExecuteScalar()!;
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);

    private static int Kill(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }


    /// <summary>The conductor binary in a folder of its own; its workers run the real Codex CLI against the (hanging) scripted model.</summary>
    private sealed class RunningConductor : IDisposable
    {
        private RunningConductor(Process process) => Process = process;

        public Process Process { get; }

        public ConcurrentQueue<string> Output { get; } = new();

        public static RunningConductor Start(string folder, int apiPort, int workerPort, string cloneUrl, string modelBaseUrl, bool interruptsIgnored = false)
        {
            var start = new ProcessStartInfo(interruptsIgnored ? "/bin/sh" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
            string[] prefix = interruptsIgnored ? ["-c", "trap '' INT QUIT; exec \"$@\"", "sh", "dotnet"] : [];
            foreach (var argument in (string[])
            [
                .. prefix, ConductorProcess.DllPath, "run", $"--Urls=http://127.0.0.1:{apiPort}", $"--WorkerApi:Urls=http://127.0.0.1:{workerPort}",
                $"--Routing:Default:CloneUrl={cloneUrl}", "--Routing:Default:BaseBranch=main",
                "--WorkerApi:HeartbeatInterval=00:00:01", "--Dispatch:PollInterval=00:00:00.200", "--Reconcile:PollInterval=00:00:00.200",
                $"--Agent:ModelBaseUrl={modelBaseUrl}",
            ])
            {
                start.ArgumentList.Add(argument);
            }

            // The worker inherits these: the pinned Codex CLI and the scripted model's key.
            start.Environment["Agent__Command__0"] = CodexCli.Require();
            start.Environment["CODEX_API_KEY"] = Key;
            foreach (var name in new[] { "Agent__Command__1", "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "WORK_DIR" })
            {
                start.Environment.Remove(name);
            }

            var conductor = new RunningConductor(Process.Start(start)!);
            conductor.Process.OutputDataReceived += (_, e) => conductor.Output.Enqueue(e.Data ?? "");
            conductor.Process.ErrorDataReceived += (_, e) => conductor.Output.Enqueue(e.Data ?? "");
            conductor.Process.BeginOutputReadLine();
            conductor.Process.BeginErrorReadLine();
            return conductor;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                Process.WaitForExit();
            }

            Process.Dispose();
        }
    }
}
