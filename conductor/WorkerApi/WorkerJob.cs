using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>The job row as the worker API needs it to authorise and answer a call.</summary>
internal sealed record WorkerJob(string Id, JobState State, byte[]? TokenHash, DateTimeOffset? CancelRequestedAt, string? CancelReason, string? Branch, int Attempt);
