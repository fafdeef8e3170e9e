namespace AgentConductor.Worker.GitHub;

/// <summary>The body of <c>PATCH /repos/{owner}/{repo}/pulls/{number}</c>; null fields are left out.</summary>
internal sealed record PullRequestUpdate(string? Title, string? Body);
