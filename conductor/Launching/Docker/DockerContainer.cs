namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>A worker container as <c>docker container inspect</c> describes it (see <see cref="DockerInspect"/>).</summary>
internal sealed record DockerContainer(string Name, string? JobId, string State, WorkerStatus Status);
