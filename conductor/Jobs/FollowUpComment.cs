namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// One review, review comment, pull request comment or failed check suite. <see cref="GitHubId"/> is what a reply
/// answers (a review comment is replied to in its thread, anything else with a comment on the pull request).
/// </summary>
internal sealed record FollowUpComment(
    string Kind,
    long GitHubId,
    long? ReviewId,
    string? Author,
    string? AuthorAssociation,
    string? State,
    string? Body,
    string? Path,
    int? Line,
    int? StartLine,
    string? DiffHunk,
    string? CommitId,
    string? Url,
    DateTimeOffset? CreatedAt);
