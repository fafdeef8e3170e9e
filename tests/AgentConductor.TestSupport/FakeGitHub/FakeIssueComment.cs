namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>A comment on a pull request's conversation (GitHub's issue comment) in the fake's store.</summary>
public sealed class FakeIssueComment
{
    public required long Id { get; init; }

    public required string Owner { get; init; }

    public required string Repo { get; init; }

    public required int Number { get; init; }

    public required string Body { get; init; }

    public required string Author { get; init; }

    /// <summary>When it was written (GitHub's <c>created_at</c> and <c>updated_at</c>; the fake never edits one).</summary>
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.Parse("2026-11-02T15:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    public string HtmlUrl => $"https://github.test/{Owner}/{Repo}/pull/{Number}#issuecomment-{Id}";
}
