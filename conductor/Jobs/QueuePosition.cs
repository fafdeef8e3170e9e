namespace AgentConductor.Conductor.Jobs;

/// <summary>A pending job's place in the queue (1 = next), why it waits, and that reason in words.</summary>
internal sealed record QueuePosition(string JobId, int Position, WaitReason Reason, string Detail);
