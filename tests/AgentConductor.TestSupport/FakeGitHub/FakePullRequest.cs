namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>A pull request in the fake's store; the number doubles as its issue number.</summary>
public sealed class FakePullRequest
{
    public required int Number { get; init; }

    public required string Owner { get; init; }

    public required string Repo { get; init; }

    public required string HeadOwner { get; init; }

    public required string HeadRef { get; init; }

    public required string BaseRef { get; init; }

    public required string Title { get; set; }

    public string? Body { get; set; }

    public bool Draft { get; init; }

    public string State { get; set; } = "open";

    public int BodyUpdates { get; set; }

    public string HtmlUrl => $"https://github.test/{Owner}/{Repo}/pull/{Number}";
}
