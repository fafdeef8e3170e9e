namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// What a follow-up answers: the pull request its parent opened, that job's branch and route, and the reviews, comments
/// and failed checks that sent it back (oldest first). Every text field of <see cref="Comments"/> is untrusted.
/// </summary>
internal sealed record FollowUpDetails(
    string ParentJobId,
    string ParentTitle,
    int Sequence,
    string PullRequestUrl,
    int? PullRequestNumber,
    string? Branch,
    string? CloneUrl,
    string? BaseBranch,
    IReadOnlyList<FollowUpComment> Comments);
