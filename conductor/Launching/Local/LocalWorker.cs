using System.Diagnostics;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// A worker process this conductor started (its output goes straight to <c>worker.log</c>); its exit code goes into
/// <c>worker.exit</c>, then the launcher's callback runs (it removes the worker's work folder).
/// </summary>
internal sealed class LocalWorker
{
    private LocalWorker(Process process, WorkerFiles files, Action exited)
    {
        Process = process;
        Completion = WatchAsync(files, exited);
    }

    public Process Process { get; }

    /// <summary>Completes when the process has exited and its exit code is recorded.</summary>
    public Task Completion { get; }

    public static LocalWorker Start(ProcessStartInfo start, WorkerFiles files, Action exited)
    {
        Directory.CreateDirectory(files.Folder);
        var process = Process.Start(start) ?? throw new LaunchException($"'{start.FileName}' did not start a process", retryable: true);
        files.Started(process.Id);
        return new LocalWorker(process, files, exited);
    }

    private async Task WatchAsync(WorkerFiles files, Action exited)
    {
        await Process.WaitForExitAsync(CancellationToken.None);
        files.Exited(Process.ExitCode);
        exited();
    }
}
