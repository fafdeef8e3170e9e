namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>
/// A review, review comment, pull request comment or check suite. <see cref="ReviewId"/> is a review comment's review
/// (and a review's own id). <see cref="State"/> is a review's state or a check suite's conclusion.
/// </summary>
internal sealed record GitHubComment(
    string Kind,
    long Id,
    long? ReviewId,
    GitHubActor? Author,
    string? AuthorAssociation,
    string? State,
    string? Body,
    string? Url,
    DateTimeOffset? CreatedAt)
{
    public string? Path { get; init; }

    public int? Line { get; init; }

    public int? StartLine { get; init; }

    public string? DiffHunk { get; init; }

    public string? CommitId { get; init; }
}
