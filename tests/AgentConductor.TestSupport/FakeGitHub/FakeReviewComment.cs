namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>A review comment (a comment on a line of a pull request's diff) in the fake's store, or a reply in its thread.</summary>
public sealed class FakeReviewComment
{
    public required long Id { get; init; }

    public required string Owner { get; init; }

    public required string Repo { get; init; }

    public required int PullRequestNumber { get; init; }

    public required string Path { get; init; }

    public int? Line { get; init; }

    public required string Body { get; init; }

    public required string Author { get; init; }

    /// <summary>When it was written (GitHub's <c>created_at</c> and <c>updated_at</c>; the fake never edits one).</summary>
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.Parse("2026-11-02T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The thread's first comment, for a reply; null for the first comment itself.</summary>
    public long? InReplyToId { get; init; }

    public string HtmlUrl => $"https://github.test/{Owner}/{Repo}/pull/{PullRequestNumber}#discussion_r{Id}";
}
