namespace AgentConductor.Conductor.Scheduling;

/// <summary>The codes stored in <c>github_deliveries.reason</c>: why a delivery triggered, is held, or was ignored.</summary>
internal static class FollowUpReasons
{
    // Triggers.
    public const string ChangesRequested = "changes_requested";
    public const string Mention = "mention";
    public const string PartOfReview = "part_of_review";
    public const string CheckFailed = "check_failed";

    /// <summary>A review comment without a mention, kept until its review triggers (GitHub sends the two in any order).</summary>
    public const string AwaitingReview = "awaiting_review";

    // Ignored.
    public const string Ping = "ping";
    public const string UnsupportedEvent = "unsupported_event";
    public const string UnsupportedAction = "unsupported_action";
    public const string NotAPullRequest = "not_a_pull_request";
    public const string ChecksOff = "checks_off";
    public const string CheckNotFailed = "check_not_failed";
    public const string Bot = "bot";
    public const string IgnoredLogin = "ignored_login";
    public const string Stranger = "stranger";
    public const string NotOurs = "not_ours";
    public const string PullRequestClosed = "pull_request_closed";
    public const string NoTrigger = "no_trigger";
    public const string LimitReached = "limit_reached";
}
