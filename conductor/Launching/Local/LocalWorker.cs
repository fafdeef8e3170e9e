using System.Diagnostics;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// A worker process this conductor started: its stdout and stderr go line by line into <c>worker.log</c>, and its
/// exit code into <c>worker.exit</c> once the output has drained.
/// </summary>
internal sealed class LocalWorker
{
    private readonly Lock _log = new();
    private readonly StreamWriter _writer;

    private LocalWorker(Process process, WorkerFiles files)
    {
        Process = process;
        _writer = new StreamWriter(new FileStream(files.LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Completion = WatchAsync(files);
    }

    public Process Process { get; }

    /// <summary>Completes when the process has exited and its output is in the log.</summary>
    public Task Completion { get; }

    public static LocalWorker Start(ProcessStartInfo start, WorkerFiles files)
    {
        Directory.CreateDirectory(files.Folder);
        var process = Process.Start(start) ?? throw new LaunchException($"'{start.FileName}' did not start a process", retryable: true);
        files.Started(process.Id);
        return new LocalWorker(process, files);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _writer.WriteLine(line);
        }
    }

    private async Task WatchAsync(WorkerFiles files)
    {
        await Process.WaitForExitAsync(CancellationToken.None);
        lock (_log)
        {
            _writer.Dispose();
        }

        files.Exited(Process.ExitCode);
    }
}
