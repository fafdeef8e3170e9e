namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// What a follow-up job is created with. <see cref="ParentJobId"/> is always the job that opened the pull request (a
/// follow-up of a follow-up has the same parent); <see cref="Sequence"/> numbers that job's follow-ups from 1. The route
/// (<see cref="CloneUrl"/>, <see cref="BaseBranch"/>) and <see cref="Branch"/> are the parent's, never the configured routes.
/// </summary>
internal sealed record FollowUpSeed(
    string ParentJobId,
    int Sequence,
    string PullRequestUrl,
    int? PullRequestNumber,
    string Branch,
    string? CloneUrl,
    string? BaseBranch,
    DateTimeOffset CoalesceUntil);
