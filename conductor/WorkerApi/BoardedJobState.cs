namespace AgentConductor.Conductor.WorkerApi;

/// <summary>A job on the heartbeat board as a flush reads it back: whether it is still running, under which token, its cancel state.</summary>
internal sealed record BoardedJobState(bool Running, byte[]? TokenHash, CancelState Cancel);
