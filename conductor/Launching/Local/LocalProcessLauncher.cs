using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// Runs each worker as a local process (the embedded default). The reference is the job id. A pid file per job lets a
/// restarted conductor find its workers again; every pid is checked to still carry the job's <c>JOB_ID</c> before it
/// is trusted or signalled. The job token is passed in the environment only, never as an argument, never logged. The
/// worker's environment is <see cref="WorkerEnvironment"/>'s allowlist and the launch's own variables, nothing more.
/// </summary>
internal sealed partial class LocalProcessLauncher(IOptions<LocalLauncherOptions> options, TimeProvider time, ILogger<LocalProcessLauncher> logger) : ILauncher
{
    private readonly ConcurrentDictionary<string, LocalWorker> _started = new(StringComparer.Ordinal);
    private readonly AgentUidPool _agentUids = new(options.Value.AgentUidBase, time);
    private readonly Lock _launching = new();

    /// <summary>The worker's setting for its agent's user (<c>Agent:RunAs</c>) as an environment variable.</summary>
    private const string AgentRunAs = "Agent__RunAs";

    /// <summary>How long a replaced worker gets to exit on its interrupt before it is killed; it has done no work yet.</summary>
    public static readonly TimeSpan ReplacedWorkerGrace = TimeSpan.FromSeconds(2);

    public async Task<LaunchedWorker> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (FindPid(request.JobId) is { } stale)
        {
            // Every launch carries a fresh token, so a worker still running for the job holds a revoked one (a launch
            // that failed late, a crash while launching): it could never connect. It makes way for the new one.
            Log.Replacing(logger, request.JobId, stale);
            await StopAsync(request.JobId, ReplacedWorkerGrace, cancellationToken);
        }

        if (_started.TryGetValue(request.JobId, out var previous))
        {
            // An exited worker of the job may still be removing its work folder, which the new one is about to use.
            await previous.Completion.WaitAsync(cancellationToken);
        }

        return Start(request);
    }

    private LaunchedWorker Start(LaunchRequest request)
    {
        var files = Files(request.JobId);
        lock (_launching)
        {
            if (FindPid(request.JobId) is { } running)
            {
                throw new LaunchException($"worker process {running} of job {request.JobId} still runs after it was told to stop", retryable: true);
            }

            var command = options.Value.ResolveCommand() ?? throw new LaunchException(options.Value.MissingWorker(), retryable: false);
            if (ProgramPath.Find(command[0]) is null)
            {
                throw new LaunchException($"cannot start the worker command '{command[0]}': no such executable (check LocalLauncher:WorkerCommand)", retryable: false);
            }

            // The worker writes straight into worker.log (sh redirects, then execs it: same pid, no shell left behind).
            // No pipe through the conductor: nothing to hold per worker, and the log goes on after a conductor restart.
            // The command is passed as arguments, never spliced into the script.
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = files.Folder };
            foreach (var argument in (string[])["-c", "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1", "sh", files.LogPath, .. command])
            {
                start.ArgumentList.Add(argument);
            }

            // An allowlist, not the conductor's environment: its own credentials stay with it.
            start.Environment.Clear();
            foreach (var (name, value) in WorkerEnvironment.From(WorkerEnvironment.OfConductor(), options.Value.PassEnvironment).Concat(request.WorkerEnvironment()))
            {
                start.Environment[name] = value;
            }

            int? agentUid = null;
            if (options.Value.AgentUidBase > 0 && !start.Environment.ContainsKey(AgentRunAs))
            {
                agentUid = _agentUids.Take(request.JobId);
                start.Environment[AgentRunAs] = $"{agentUid}:{agentUid}";
            }

            try
            {
                var worker = LocalWorker.Start(start, files, () => Exited(request.JobId, files));
                _started[request.JobId] = worker;
                var agent = agentUid is { } uid ? $"its agent as uid {uid}" : "its agent as Agent:RunAs says";
                Log.Started(logger, request.JobId, worker.Process.Id, files.LogPath, agent);
            }
            catch (Win32Exception ex)
            {
                _agentUids.Release(request.JobId);
                throw new LaunchException($"cannot start the worker command '{command[0]}': {ex.Message} (check LocalLauncher:WorkerCommand)", retryable: false, ex);
            }
            catch (IOException ex)
            {
                _agentUids.Release(request.JobId);
                throw new LaunchException($"cannot prepare the worker's folder {files.Folder}: {ex.Message}", retryable: true, ex);
            }
        }

        return new LaunchedWorker(request.JobId);
    }

    public Task<WorkerStatus> GetStatusAsync(string reference, CancellationToken cancellationToken) =>
        Task.FromResult(Status(reference));

    public Task<WorkerStatuses> GetStatusesAsync(IReadOnlyCollection<string> references, CancellationToken cancellationToken) =>
        WorkerStatuses.OneByOneAsync(references, GetStatusAsync, cancellationToken);

    public async Task StopAsync(string reference, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (FindPid(reference) is not { } pid)
        {
            return;
        }

        ProcessControl.Interrupt(pid);
        if (await WaitForExitAsync(pid, reference, grace, cancellationToken))
        {
            Log.Stopped(logger, reference, pid);
        }
        else if (ProcessControl.BelongsTo(pid, reference))
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
            Log.Killed(logger, reference, pid, grace);
        }

        if (_started.TryGetValue(reference, out var worker))
        {
            await worker.Completion.WaitAsync(cancellationToken);
        }
    }

    public Task<IReadOnlyList<KnownWorker>> ListAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetFullPath(options.Value.LogFolder);
        IReadOnlyList<KnownWorker> workers = !Directory.Exists(folder)
            ? []
            : [.. Directory.EnumerateDirectories(folder)
                .Select(Path.GetFileName)
                .Where(jobId => jobId is not null && File.Exists(Files(jobId).PidPath))
                .Select(jobId => new KnownWorker(jobId!, jobId!, Status(jobId!)))];
        return Task.FromResult(workers);
    }

    private WorkerStatus Status(string jobId)
    {
        if (_started.TryGetValue(jobId, out var worker))
        {
            return worker.Process.HasExited ? WorkerStatus.Exited(worker.Process.ExitCode) : WorkerStatus.Running;
        }

        var files = Files(jobId);
        if (files.ReadExitCode() is { } exitCode)
        {
            return WorkerStatus.Exited(exitCode);
        }

        return files.ReadPid() switch
        {
            null => WorkerStatus.Gone($"no worker was started here for job {jobId}"),
            var pid when ProcessControl.BelongsTo(pid.Value, jobId) => WorkerStatus.Running,
            var pid => WorkerStatus.Gone($"process {pid} of job {jobId} no longer runs (exit code unknown)"),
        };
    }

    /// <summary>The pid of the job's live worker, or null.</summary>
    private int? FindPid(string jobId)
    {
        if (_started.TryGetValue(jobId, out var worker))
        {
            return worker.Process.HasExited ? null : worker.Process.Id;
        }

        return Files(jobId).ReadPid() is { } pid && ProcessControl.BelongsTo(pid, jobId) ? pid : null;
    }

    /// <summary>True when the process ended within <paramref name="grace"/>.</summary>
    private async Task<bool> WaitForExitAsync(int pid, string jobId, TimeSpan grace, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(grace, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            while (ProcessControl.BelongsTo(pid, jobId) && !HasExited(jobId))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), time, linked.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The worker is done with its work folder (its clone, the agent's home): everything it had to deliver went to the
    /// conductor or the remote. Kept for debugging with <see cref="LocalLauncherOptions.KeepWorkFolders"/>.
    /// </summary>
    private void Exited(string jobId, WorkerFiles files)
    {
        _agentUids.Release(jobId);
        if (options.Value.KeepWorkFolders)
        {
            return;
        }

        if (files.RemoveWork() is { } problem)
        {
            Log.WorkFolderKept(logger, jobId, files.WorkPath, problem);
        }
    }

    private bool HasExited(string jobId) => _started.TryGetValue(jobId, out var worker) && worker.Process.HasExited;

    private WorkerFiles Files(string jobId) => new(options.Value.LogFolder, jobId);

    private static partial class Log
    {
        [LoggerMessage(EventId = 450, EventName = "WorkerStarted", Level = LogLevel.Information, Message = "Job {JobId}: worker process {Pid} started ({Agent}), output in {LogPath}")]
        public static partial void Started(ILogger logger, string jobId, int pid, string logPath, string agent);

        [LoggerMessage(EventId = 451, EventName = "WorkerReplaced", Level = LogLevel.Information, Message = "Job {JobId}: stopping its earlier worker process {Pid} (it holds a revoked token) to start a new one")]
        public static partial void Replacing(ILogger logger, string jobId, int pid);

        [LoggerMessage(EventId = 452, EventName = "WorkerStopped", Level = LogLevel.Information, Message = "Job {JobId}: worker process {Pid} stopped after the interrupt")]
        public static partial void Stopped(ILogger logger, string jobId, int pid);

        [LoggerMessage(EventId = 453, EventName = "WorkerKilled", Level = LogLevel.Warning, Message = "Job {JobId}: worker process {Pid} still ran {Grace} after the interrupt; killed it and its children")]
        public static partial void Killed(ILogger logger, string jobId, int pid, TimeSpan grace);

        [LoggerMessage(EventId = 454, EventName = "WorkerWorkFolderKept", Level = LogLevel.Warning, Message = "Job {JobId}: could not remove the exited worker's work folder {Path}: {Reason}")]
        public static partial void WorkFolderKept(ILogger logger, string jobId, string path, string reason);
    }
}
