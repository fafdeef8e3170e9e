namespace AgentConductor.Conductor.Jobs;

/// <summary>Where a job's worker clones from and which branch its pull request targets.</summary>
internal sealed record JobRoute(string CloneUrl, string BaseBranch);
