namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>The pull request a delivery is about. <see cref="HtmlUrl"/> is the URL a job reports for the pull request it opened.</summary>
internal sealed record GitHubPullRequest(int? Number, string? HtmlUrl, string? State, string? HeadRef, string? BaseRef)
{
    public bool IsClosed => string.Equals(State, "closed", StringComparison.OrdinalIgnoreCase);
}
