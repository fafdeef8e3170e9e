namespace AgentConductor.Conductor.Launching;

/// <summary>What a launcher knows about a worker: still running, exited with a code, or gone (the reason says why).</summary>
internal abstract record WorkerStatus
{
    public static WorkerStatus Running { get; } = new RunningStatus();

    public static WorkerStatus Exited(int exitCode) => new ExitedStatus(exitCode);

    public static WorkerStatus Gone(string reason) => new GoneStatus(reason);

    public sealed record RunningStatus : WorkerStatus;

    public sealed record ExitedStatus(int ExitCode) : WorkerStatus;

    public sealed record GoneStatus(string Reason) : WorkerStatus;
}
