namespace AgentConductor.Worker.Processes;

/// <summary>How a process ended.</summary>
/// <param name="ExitCode">The exit code; 128 + signal number when a signal ended it (130 for SIGINT, 137 for SIGKILL).</param>
/// <param name="TimedOut">The spec's timeout expired and the process was stopped.</param>
/// <param name="Cancelled">The caller's token was cancelled and the process was stopped.</param>
/// <param name="Killed">The process or one of its descendants outlived the interrupt grace and was killed.</param>
/// <param name="Duration">From the start to the end of the output.</param>
internal sealed record ProcessResult(int ExitCode, bool TimedOut, bool Cancelled, bool Killed, TimeSpan Duration);
