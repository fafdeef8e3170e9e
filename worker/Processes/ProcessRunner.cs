using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Processes;

/// <summary>
/// <see cref="IProcessRunner"/> on <see cref="Process"/>: argument list (no shell), both pipes read line by line
/// into one ordered hand-off, stdin written on its own task, interrupt-then-kill on timeout or cancellation.
/// </summary>
internal sealed partial class ProcessRunner(ILogger<ProcessRunner> logger, TimeProvider timeProvider, ISecretMasker secretMasker) : IProcessRunner
{
    // After the tree is killed, the pipes close at once unless an escaped process still holds them.
    private static readonly TimeSpan DrainAfterStop = TimeSpan.FromSeconds(10);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public async Task<ProcessResult> RunAsync(ProcessSpec spec, Func<OutputLine, ValueTask>? onLine, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (spec.Stdin.FilePath is { } stdinPath && !File.Exists(stdinPath))
        {
            throw new FileNotFoundException("The stdin file does not exist.", stdinPath);
        }

        var started = timeProvider.GetTimestamp();
        using var process = new Process { StartInfo = CreateStartInfo(spec) };
        process.Start();
        Log.ProcessStarted(logger, spec.FileName, process.Id, spec.RunAs);

        var lines = Channel.CreateBounded<OutputLine>(new BoundedChannelOptions(1024) { SingleReader = true });
        using var consumerFailed = new CancellationTokenSource();
        var stdin = WriteStdinAsync(process, spec.Stdin);
        var output = Task.WhenAll(
            PumpAsync(process.StandardOutput, OutputStream.StandardOutput, lines.Writer),
            PumpAsync(process.StandardError, OutputStream.StandardError, lines.Writer));
        _ = output.ContinueWith(_ => lines.Writer.TryComplete(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var consumer = ConsumeAsync(lines, onLine, consumerFailed);

        using var timeout = new CancellationTokenSource(spec.Timeout ?? Timeout.InfiniteTimeSpan, timeProvider);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, consumerFailed.Token);
        bool timedOut = false, cancelled = false, killed = false;
        try
        {
            await process.WaitForExitAsync(stop.Token);
            await output.WaitAsync(stop.Token);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            cancelled = cancellationToken.IsCancellationRequested;
            timedOut = !cancelled && timeout.IsCancellationRequested;
            Log.ProcessStopping(logger, spec.FileName, process.Id, timedOut ? "timeout" : cancelled ? "cancellation" : "output handler failure");
            killed = await ProcessStopper.StopAsync(process, spec.InterruptGrace, timeProvider);
            await DrainAfterStopAsync(output, lines.Writer, spec.FileName);
        }

        await stdin;
        await consumer;
        var duration = timeProvider.GetElapsedTime(started);
        Log.ProcessExited(logger, spec.FileName, process.Id, process.ExitCode, killed, duration.TotalMilliseconds);
        return new ProcessResult(process.ExitCode, timedOut, cancelled, killed, duration);
    }

    private static ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var (program, arguments) = spec.RunAs is { } user
            ? (UserSwitch.Program, UserSwitch.Arguments(user, spec.FileName, spec.Arguments))
            : (spec.FileName, spec.Arguments);
        var startInfo = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            WorkingDirectory = spec.WorkingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (!spec.InheritEnvironment)
        {
            startInfo.Environment.Clear();
        }

        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    private static async Task WriteStdinAsync(Process process, StdinSource source)
    {
        await Task.Yield();
        try
        {
            var stream = process.StandardInput.BaseStream;
            if (source.Text is { } text)
            {
                await stream.WriteAsync(Utf8.GetBytes(text));
            }
            else if (source.FilePath is { } path)
            {
                await using var file = File.OpenRead(path);
                await file.CopyToAsync(stream);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child exited or closed its stdin without reading everything; that is its business.
        }
    }

    private async Task PumpAsync(StreamReader reader, OutputStream stream, ChannelWriter<OutputLine> writer)
    {
        await Task.Yield();
        var delivering = true;
        while (await reader.ReadLineAsync() is { } text)
        {
            if (delivering && !await TryWriteAsync(writer, new OutputLine(stream, secretMasker.Mask(text))))
            {
                delivering = false; // Nobody listens any more; keep reading so the child never blocks on a full pipe.
            }
        }
    }

    private static async ValueTask<bool> TryWriteAsync(ChannelWriter<OutputLine> writer, OutputLine line)
    {
        try
        {
            await writer.WriteAsync(line);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    private static async Task ConsumeAsync(Channel<OutputLine> lines, Func<OutputLine, ValueTask>? onLine, CancellationTokenSource failed)
    {
        try
        {
            await foreach (var line in lines.Reader.ReadAllAsync())
            {
                if (onLine is not null)
                {
                    await onLine(line);
                }
            }
        }
        catch
        {
            lines.Writer.TryComplete();
            await failed.CancelAsync();
            throw;
        }
    }

    private async Task DrainAfterStopAsync(Task output, ChannelWriter<OutputLine> writer, string fileName)
    {
        try
        {
            await output.WaitAsync(DrainAfterStop, timeProvider);
        }
        catch (TimeoutException)
        {
            Log.OutputNotDrained(logger, fileName, DrainAfterStop.TotalSeconds);
            writer.TryComplete();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 800, EventName = "ProcessStarted", Level = LogLevel.Debug, Message = "Started {FileName} as process {ProcessId} (user {User}; none: the worker's)")]
        public static partial void ProcessStarted(ILogger logger, string fileName, int processId, ProcessUser? user);

        [LoggerMessage(EventId = 801, EventName = "ProcessStopping", Level = LogLevel.Warning, Message = "Stopping {FileName} (process {ProcessId}) after {Reason}: interrupt, then kill after the grace period")]
        public static partial void ProcessStopping(ILogger logger, string fileName, int processId, string reason);

        [LoggerMessage(EventId = 802, EventName = "ProcessExited", Level = LogLevel.Debug, Message = "{FileName} (process {ProcessId}) exited with code {ExitCode}, killed {Killed}, after {DurationMs} ms")]
        public static partial void ProcessExited(ILogger logger, string fileName, int processId, int exitCode, bool killed, double durationMs);

        [LoggerMessage(EventId = 803, EventName = "ProcessOutputNotDrained", Level = LogLevel.Warning, Message = "The output of {FileName} was still open {Seconds} s after its tree was stopped; an escaped process holds it; not waiting any longer")]
        public static partial void OutputNotDrained(ILogger logger, string fileName, double seconds);
    }
}
