using System.Diagnostics;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>A worker process this conductor started (its output goes straight to <c>worker.log</c>); its exit code goes into <c>worker.exit</c>.</summary>
internal sealed class LocalWorker
{
    private LocalWorker(Process process, WorkerFiles files)
    {
        Process = process;
        Completion = WatchAsync(files);
    }

    public Process Process { get; }

    /// <summary>Completes when the process has exited and its exit code is recorded.</summary>
    public Task Completion { get; }

    public static LocalWorker Start(ProcessStartInfo start, WorkerFiles files)
    {
        Directory.CreateDirectory(files.Folder);
        var process = Process.Start(start) ?? throw new LaunchException($"'{start.FileName}' did not start a process", retryable: true);
        files.Started(process.Id);
        return new LocalWorker(process, files);
    }

    private async Task WatchAsync(WorkerFiles files)
    {
        await Process.WaitForExitAsync(CancellationToken.None);
        files.Exited(Process.ExitCode);
    }
}
