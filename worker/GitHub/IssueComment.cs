namespace AgentConductor.Worker.GitHub;

/// <summary>A comment on an issue or pull request.</summary>
internal sealed record IssueComment
{
    public long Id { get; init; }

    public string HtmlUrl { get; init; } = "";

    public string Body { get; init; } = "";
}
