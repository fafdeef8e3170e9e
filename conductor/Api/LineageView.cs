namespace AgentConductor.Conductor.Api;

/// <summary>A job's lineage: the job that opened a pull request, the pull request, and its follow-ups in order.</summary>
internal sealed record LineageView(string ParentJobId, PullRequestView PullRequest, IReadOnlyList<FollowUpLineageView> FollowUps);

internal sealed record PullRequestView(string Url, string? Repository, int? Number, string? Branch);

/// <summary>One follow-up: its number, state, how many reviews/comments/checks it answers, and until when it collects more.</summary>
internal sealed record FollowUpLineageView(
    string JobId, int Sequence, string State, string? StateReason, DateTimeOffset CreatedAt, DateTimeOffset? CoalesceUntil, int Comments);
