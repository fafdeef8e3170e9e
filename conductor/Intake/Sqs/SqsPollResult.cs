namespace AgentConductor.Conductor.Intake.Sqs;

/// <summary>What one poll did: messages received, their outcomes, and how many were deleted or left in the queue.</summary>
internal sealed record SqsPollResult(int Received, int Stored, int Duplicates, int Rejected, int Deleted, int DeleteFailed, int LeftInQueue, bool Paused = false)
{
    public static SqsPollResult GateClosed { get; } = new(0, 0, 0, 0, 0, 0, 0, Paused: true);

    public static SqsPollResult Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
