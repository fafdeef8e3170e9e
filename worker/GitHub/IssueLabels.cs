namespace AgentConductor.Worker.GitHub;

/// <summary>The body of <c>POST /repos/{owner}/{repo}/issues/{number}/labels</c>.</summary>
internal sealed record IssueLabels(IReadOnlyList<string> Labels);
