namespace AgentConductor.Conductor.Jobs;

/// <summary>What one dispatch pass does with one pending job: launch it (<see cref="WaitReason.Ready"/>), fail it (no route) or let it wait.</summary>
internal sealed record DispatchStep(JobRecord Job, WaitReason Reason, string Detail, JobRoute? Route = null, string? Repository = null);
