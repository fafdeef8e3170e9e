namespace AgentConductor.Worker.Processes;

/// <summary>Runs a child process from an argument array and streams its output, line by line.</summary>
internal interface IProcessRunner
{
    /// <summary>
    /// Starts the process, writes its stdin and closes it, hands every stdout and stderr line (masked) to
    /// <paramref name="onLine"/> as it arrives, one call at a time, and returns when the process has exited and
    /// its output is drained. On timeout or cancellation the process tree is interrupted (SIGINT), given
    /// <see cref="ProcessSpec.InterruptGrace"/>, then killed; that is reported in the result, not thrown.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program could not be started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the start.</exception>
    Task<ProcessResult> RunAsync(ProcessSpec spec, Func<OutputLine, ValueTask>? onLine, CancellationToken cancellationToken);
}
