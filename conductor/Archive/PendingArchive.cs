namespace AgentConductor.Conductor.Archive;

/// <summary>A finished job waiting in <c>job_archives</c>; <see cref="JobEventId"/> is the transition that ended it.</summary>
internal sealed record PendingArchive(string JobId, long JobEventId, int Failures);
