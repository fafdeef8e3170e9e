namespace AgentConductor.Worker.Tests.GitHub;

public sealed class GitHubClientTests
{
    [Fact]
    public async Task FindOpenPullRequestAsync_AnyCall_SendsGitHubHeadersAndHeadFilter()
    {
        await using var github = await GitHubHarness.StartAsync();

        var found = await github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "agent/job-1/fix", GitHubHarness.Ct);

        Assert.Null(found);
        var request = Assert.Single(github.Server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("/repos/octo/payments/pulls", request.Path);
        Assert.Equal($"Bearer {GitHubHarness.Token}", request.Header("Authorization"));
        Assert.Equal("application/vnd.github+json", request.Header("Accept"));
        Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
        Assert.Equal("agent-conductor-worker", request.Header("User-Agent"));
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        Assert.Equal("open", query["state"]);
        Assert.Equal("octo:agent/job-1/fix", query["head"]);
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_OpenPullRequestForBranch_ReturnsIt()
    {
        await using var github = await GitHubHarness.StartAsync();
        var existing = github.Server.AddPullRequest("octo", "payments", "agent/job-1/fix", title: "PAY-1: x");

        var found = await github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "agent/job-1/fix", GitHubHarness.Ct);

        Assert.NotNull(found);
        Assert.Equal(existing.Number, found.Number);
        Assert.Equal(existing.HtmlUrl, found.HtmlUrl);
        Assert.Equal("agent/job-1/fix", found.Head?.Ref);
        Assert.Equal("octo:agent/job-1/fix", found.Head?.Label);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_OnlyClosedPullRequest_ReturnsNull()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.AddPullRequest("octo", "payments", "agent/job-1/fix").State = "closed";

        var found = await github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "agent/job-1/fix", GitHubHarness.Ct);

        Assert.Null(found);
    }

    [Fact]
    public async Task UpdatePullRequestAsync_BodyOnly_LeavesTitleOutOfRequest()
    {
        await using var github = await GitHubHarness.StartAsync();
        var existing = github.Server.AddPullRequest("octo", "payments", "b", title: "Kept");

        var updated = await github.Client.UpdatePullRequestAsync("octo", "payments", existing.Number, null, "New body", GitHubHarness.Ct);

        Assert.Equal("New body", updated.Body);
        Assert.Equal("Kept", updated.Title);
        Assert.Equal("{\"body\":\"New body\"}", Assert.Single(github.Server.Requests).Body);
    }

    [Fact]
    public async Task AddCommentAsync_ExistingPullRequest_PostsComment()
    {
        await using var github = await GitHubHarness.StartAsync();
        var existing = github.Server.AddPullRequest("octo", "payments", "b");

        var comment = await github.Client.AddCommentAsync("octo", "payments", existing.Number, "Rerun finished", GitHubHarness.Ct);

        Assert.Equal("Rerun finished", Assert.Single(existing.Comments));
        Assert.Equal("Rerun finished", comment.Body);
        Assert.NotEqual(0, comment.Id);
        Assert.Equal("/repos/octo/payments/issues/1/comments", Assert.Single(github.Server.Requests).Path);
    }

    [Fact]
    public async Task AddLabelsAsync_ExistingPullRequest_AddsLabels()
    {
        await using var github = await GitHubHarness.StartAsync();
        var existing = github.Server.AddPullRequest("octo", "payments", "b");

        await github.Client.AddLabelsAsync("octo", "payments", existing.Number, ["agent", "incident"], GitHubHarness.Ct);

        Assert.Equal(["agent", "incident"], existing.Labels);
        Assert.Equal("{\"labels\":[\"agent\",\"incident\"]}", Assert.Single(github.Server.Requests).Body);
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task AddLabelsAsync_NoLabels_SendsNothing()
    {
        await using var github = await GitHubHarness.StartAsync();

        await github.Client.AddLabelsAsync("octo", "payments", 1, [], GitHubHarness.Ct);

        Assert.Empty(github.Server.Requests);
    }
}
