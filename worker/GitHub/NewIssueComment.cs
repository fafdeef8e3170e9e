namespace AgentConductor.Worker.GitHub;

/// <summary>The body of <c>POST /repos/{owner}/{repo}/issues/{number}/comments</c>.</summary>
internal sealed record NewIssueComment(string Body);
