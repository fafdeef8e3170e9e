namespace AgentConductor.Worker.GitHub;

/// <summary>The fields of a GitHub pull request the worker reads.</summary>
internal sealed record PullRequest
{
    public int Number { get; init; }

    public string HtmlUrl { get; init; } = "";

    public string State { get; init; } = "";

    public string Title { get; init; } = "";

    public string? Body { get; init; }

    public bool Draft { get; init; }

    public PullRequestRef? Head { get; init; }

    public PullRequestRef? Base { get; init; }
}
