namespace AgentConductor.Worker.GitHub;

/// <summary>What the worker asks <see cref="PullRequestPublisher"/> to open or refresh.</summary>
internal sealed record PullRequestPublication
{
    public required GitHubRepository Repository { get; init; }

    /// <summary>The pushed branch, <c>agent/&lt;job-id&gt;/&lt;slug&gt;</c>.</summary>
    public required string HeadBranch { get; init; }

    public required string BaseBranch { get; init; }

    public required string Title { get; init; }

    public required string Body { get; init; }

    public bool Draft { get; init; }
}
