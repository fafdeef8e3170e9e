namespace AgentConductor.Conductor.WorkerApi;

/// <summary>A result as <c>job_results</c> keeps it; two reports are "the same result" when these fields agree.</summary>
internal sealed record StoredResult(string Status, string? PullRequestUrl, string? Branch, string? HeadCommit);
