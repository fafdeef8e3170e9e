namespace AgentConductor.Conductor.WorkerApi;

/// <summary>A heartbeat answered from memory and not yet written: the job, the token it came with, what it said, when.</summary>
internal sealed record PendingHeartbeat(string JobId, byte[] TokenHash, string Phase, string Step, DateTimeOffset At);
