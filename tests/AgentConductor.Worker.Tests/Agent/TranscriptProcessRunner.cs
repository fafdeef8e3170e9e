using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// An <see cref="IProcessRunner"/> that plays a <see cref="RecordedTranscript"/> of the real CLI: its stderr and stdout
/// lines, its last-message file (unless told to withhold it) and its exit code. An interrupted transcript waits for the
/// caller's cancel first, as the run it was recorded from was interrupted.
/// </summary>
internal sealed class TranscriptProcessRunner(RecordedTranscript transcript, bool writeLastMessage = true, bool killed = false) : IProcessRunner
{
    public async Task<ProcessResult> RunAsync(ProcessSpec spec, Func<OutputLine, ValueTask>? onLine, CancellationToken cancellationToken)
    {
        foreach (var line in transcript.Stderr)
        {
            await onLine!(new OutputLine(OutputStream.StandardError, line));
        }

        foreach (var line in transcript.Stdout)
        {
            await onLine!(new OutputLine(OutputStream.StandardOutput, line));
        }

        var arguments = spec.Arguments.ToList();
        if (writeLastMessage && transcript.LastMessage is { } message)
        {
            await File.WriteAllTextAsync(arguments[arguments.IndexOf("-o") + 1], message, CancellationToken.None);
        }

        if (transcript.Interrupted)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return new ProcessResult(transcript.ExitCode, TimedOut: false, Cancelled: cancellationToken.IsCancellationRequested, Killed: killed, TimeSpan.FromSeconds(1));
    }
}
