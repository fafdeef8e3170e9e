namespace AgentConductor.Worker.FollowUps;

/// <summary>What a follow-up posted: how many thread replies, and whether a comment on the pull request.</summary>
internal sealed record FollowUpRepliesPosted(int ThreadReplies, bool PullRequestComment);
