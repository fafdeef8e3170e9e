namespace AgentConductor.Worker.GitHub;

/// <summary>The body of <c>POST /repos/{owner}/{repo}/pulls</c>. <see cref="Head"/> is a branch, or <c>owner:branch</c> for a fork.</summary>
internal sealed record NewPullRequest
{
    public required string Title { get; init; }

    public required string Head { get; init; }

    public required string Base { get; init; }

    public string? Body { get; init; }

    public bool Draft { get; init; }
}
