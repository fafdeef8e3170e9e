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

    public string HtmlUrl => $"https://github.test/{Owner}/{Repo}/pull/{Number}#issuecomment-{Id}";
}
