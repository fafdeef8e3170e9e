using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentConductor.TestSupport;

namespace AgentConductor.Benchmarks.Load;

/// <summary>
/// The real conductor binary (<c>dotnet AgentConductor.Conductor.dll run</c>, copied beside the benchmark) as its own
/// process on two free 127.0.0.1 ports, with its output in <c>conductor.log</c>. Its local launcher starts each
/// "worker" as <c>/bin/sh</c> that hands the job token it was given over to the benchmark (a file in the job's folder,
/// readable by this user only) and then <c>exec</c>s <c>sleep</c>, so the reconciler sees a live worker that costs
/// nothing. Disposing kills the conductor and every worker process it started, even after a failure.
/// </summary>
internal sealed class ConductorUnderLoad : IAsyncDisposable
{
    public const string TokenFileName = "token";

    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _logLock = new();
    private bool _logClosed;

    private ConductorUnderLoad(Process process, string folder, int apiPort, int workerPort)
    {
        _process = process;
        Folder = folder;
        ApiAddress = new Uri($"http://127.0.0.1:{apiPort}");
        WorkerAddress = new Uri($"http://127.0.0.1:{workerPort}");
        _log = new StreamWriter(LogPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Memory = new ProcessMemory(process.Id);
    }

    public string Folder { get; }

    public Uri ApiAddress { get; }

    public Uri WorkerAddress { get; }

    public ProcessMemory Memory { get; }

    public int Pid => _process.Id;

    public string DatabasePath => Path.Combine(Folder, "conductor.db");

    public string WorkersFolder => Path.Combine(Folder, "workers");

    public string LogPath => Path.Combine(Folder, "conductor.log");

    /// <summary>CPU time the conductor has used so far (user + system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <param name="workerLifetime">How long each sleeping worker lives if nothing kills it (a bound should this process die hard).</param>
    public static ConductorUnderLoad Start(string folder, LoadSettings settings, TimeSpan workerLifetime)
    {
        var (apiPort, workerPort) = (FreePort.Next(), FreePort.Next());
        var script = $"umask 077; printf %s \"$JOB_TOKEN\" > {TokenFileName}.tmp && mv {TokenFileName}.tmp {TokenFileName} && exec sleep {(int)workerLifetime.TotalSeconds}";
        string[] arguments =
        [
            "run",
            $"--Urls=http://127.0.0.1:{apiPort}",
            $"--WorkerApi:Urls=http://127.0.0.1:{workerPort}",
            $"--WorkerApi:HeartbeatInterval={settings.HeartbeatInterval.ToString("c", CultureInfo.InvariantCulture)}",
            $"--Storage:DatabasePath={Path.Combine(folder, "conductor.db")}",
            $"--TaskFiles:WorkFolder={Path.Combine(folder, "task-files")}",
            $"--LocalLauncher:LogFolder={Path.Combine(folder, "workers")}",
            "--LocalLauncher:WorkerCommand:0=/bin/sh",
            "--LocalLauncher:WorkerCommand:1=-c",
            $"--LocalLauncher:WorkerCommand:2={script}",
            $"--Dispatch:MaxActive={settings.Workers}",
            $"--Shutdown:FlagPath={Path.Combine(folder, "IS_CONDUCTOR_SHUTTING_DOWN")}",
            $"--Shutdown:ReadyPath={Path.Combine(folder, "CONDUCTOR_READY_FOR_SAFE_SHUTDOWN")}",
        ];
        var process = ConductorProcess.Start(arguments.Concat(LoadJobs.RouteSettings(settings.Workers)), workingDirectory: folder);
        return new ConductorUnderLoad(process, folder, apiPort, workerPort);
    }

    /// <summary>Waits until <c>/healthz/ready</c> answers; fails with the conductor's output when it exits first.</summary>
    public async Task WaitReadyAsync(HttpClient api, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            EnsureRunning();
            try
            {
                using var response = await api.GetAsync("/healthz/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The conductor did not become ready within {timeout}; see {LogPath}.");
    }

    /// <summary>Throws with the end of the conductor's output when it is no longer running.</summary>
    public void EnsureRunning()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The conductor exited with code {_process.ExitCode}:{Environment.NewLine}{Tail(30)}");
        }
    }

    public string Tail(int lines)
    {
        lock (_logLock)
        {
            using var reader = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var text = new StreamReader(reader);
            var all = text.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Memory.Dispose();
        if (!_process.HasExited)
        {
            // Not entireProcessTree: walking thousands of children through /proc takes minutes; the pid files are exact.
            _process.Kill();
        }

        await _process.WaitForExitAsync(CancellationToken.None);

        var killed = KillWorkers();
        Console.Error.WriteLine($"load: conductor stopped, {killed} sleeping worker processes killed");

        _process.Dispose();
        lock (_logLock)
        {
            _logClosed = true;
            _log.Dispose();
        }
    }

    /// <summary>Kills every worker process recorded in a pid file whose environment still names that job (so never a recycled pid).</summary>
    private int KillWorkers()
    {
        if (!Directory.Exists(WorkersFolder))
        {
            return 0;
        }

        var killed = 0;
        foreach (var jobFolder in Directory.EnumerateDirectories(WorkersFolder))
        {
            var pidFile = Path.Combine(jobFolder, "worker.pid");
            if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)
                || !CarriesJob(pid, Path.GetFileName(jobFolder)))
            {
                continue;
            }

            try
            {
                using var worker = Process.GetProcessById(pid);
                worker.Kill();
                killed++;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }

        return killed;
    }

    private static bool CarriesJob(int pid, string jobId)
    {
        try
        {
            var expected = Encoding.UTF8.GetBytes($"JOB_ID={jobId}");
            var environment = File.ReadAllBytes($"/proc/{pid}/environ");
            foreach (var range in new ReadOnlySpan<byte>(environment).Split((byte)0))
            {
                if (environment.AsSpan(range).SequenceEqual(expected))
                {
                    return true;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone.
        }

        return false;
    }

    private void Append(string? line)
    {
        lock (_logLock)
        {
            if (line is not null && !_logClosed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
