namespace AgentConductor.Conductor.WorkerApi;

/// <summary>A recorded heartbeat: the job afterwards, and whether this heartbeat moved it to running.</summary>
internal sealed record HeartbeatOutcome(WorkerJob Job, bool StartedRunning);
