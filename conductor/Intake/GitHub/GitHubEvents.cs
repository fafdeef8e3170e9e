namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>The GitHub events and values the follow-up rules read.</summary>
internal static class GitHubEvents
{
    public const string Ping = "ping";
    public const string PullRequestReview = "pull_request_review";
    public const string PullRequestReviewComment = "pull_request_review_comment";
    public const string IssueComment = "issue_comment";
    public const string CheckSuite = "check_suite";

    /// <summary>The events to subscribe the webhook to.</summary>
    public static IReadOnlyList<string> Subscribed { get; } = [PullRequestReview, PullRequestReviewComment, IssueComment, CheckSuite];

    /// <summary>Kinds of <see cref="GitHubComment"/>, as stored in <c>followup_comments.kind</c>.</summary>
    public const string ReviewKind = "review";
    public const string ReviewCommentKind = "review_comment";
    public const string IssueCommentKind = "issue_comment";
    public const string CheckSuiteKind = "check_suite";

    /// <summary>
    /// <c>author_association</c> values of people who may send the agent back: the repository's owner, members of its
    /// organisation and collaborators. Anyone else (CONTRIBUTOR, FIRST_TIMER, NONE ...) is ignored.
    /// </summary>
    public static bool MayTrigger(string? association) =>
        association is not null
        && (association.Equals("OWNER", StringComparison.OrdinalIgnoreCase)
            || association.Equals("MEMBER", StringComparison.OrdinalIgnoreCase)
            || association.Equals("COLLABORATOR", StringComparison.OrdinalIgnoreCase));

    /// <summary>Check suite conclusions that count as failed.</summary>
    public static bool IsFailedConclusion(string? conclusion) =>
        conclusion is not null
        && (conclusion.Equals("failure", StringComparison.OrdinalIgnoreCase) || conclusion.Equals("timed_out", StringComparison.OrdinalIgnoreCase));
}
