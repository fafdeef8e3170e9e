namespace AgentConductor.Conductor.Launching;

/// <summary>A worker a launcher knows of, with the job it was started for.</summary>
internal sealed record KnownWorker(string JobId, string Reference, WorkerStatus Status);
