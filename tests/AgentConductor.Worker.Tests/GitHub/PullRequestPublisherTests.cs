using System.Text.Json;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class PullRequestPublisherTests
{
    [Fact]
    public async Task PublishAsync_FirstRun_CreatesPullRequest()
    {
        await using var github = await GitHubHarness.StartAsync();

        var published = await github.Publisher.PublishAsync(GitHubHarness.Publication(), GitHubHarness.Ct);

        Assert.False(published.Reused);
        var pr = Assert.Single(github.Server.PullRequests);
        Assert.Equal(pr.Number, published.Number);
        Assert.Equal(new Uri(pr.HtmlUrl), published.Url);
        Assert.Equal(("octo", "agent/job-42/fix-refunds", "main", "Body v1"), (pr.HeadOwner, pr.HeadRef, pr.BaseRef, pr.Body));
        Assert.Equal(1, github.PublisherLogger.Count("PullRequestCreated"));
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task PublishAsync_Rerun_ReusesPullRequestAndRefreshesBody()
    {
        await using var github = await GitHubHarness.StartAsync();
        var first = await github.Publisher.PublishAsync(GitHubHarness.Publication(body: "Body v1"), GitHubHarness.Ct);

        var second = await github.Publisher.PublishAsync(GitHubHarness.Publication(body: "Body v2"), GitHubHarness.Ct);

        Assert.True(second.Reused);
        Assert.Equal(first.Number, second.Number);
        Assert.Equal(first.Url, second.Url);
        var pr = Assert.Single(github.Server.PullRequests);
        Assert.Equal("Body v2", pr.Body);
        Assert.Equal("PAY-412: Fix refunds", pr.Title);
        Assert.Equal(1, github.Server.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(1, github.Server.Requests.Count(r => r.Method == "PATCH"));
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task PublishAsync_DraftRequested_SendsDraftTrue()
    {
        await using var github = await GitHubHarness.StartAsync();

        await github.Publisher.PublishAsync(GitHubHarness.Publication(draft: true), GitHubHarness.Ct);

        var create = Assert.Single(github.Server.Requests, r => r.Method == "POST");
        using var json = JsonDocument.Parse(create.Body);
        Assert.True(json.RootElement.GetProperty("draft").GetBoolean());
        Assert.Equal("agent/job-42/fix-refunds", json.RootElement.GetProperty("head").GetString());
        Assert.True(Assert.Single(github.Server.PullRequests).Draft);
    }

    [Fact]
    public async Task PublishAsync_CreateLosesRaceWith422AlreadyExists_ReusesTheOtherPullRequest()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.SimulateConcurrentCreateNext();

        var published = await github.Publisher.PublishAsync(GitHubHarness.Publication(body: "Ours"), GitHubHarness.Ct);

        Assert.True(published.Reused);
        var pr = Assert.Single(github.Server.PullRequests);
        Assert.Equal(pr.Number, published.Number);
        Assert.Equal("Ours", pr.Body);
        Assert.Equal(2, github.Server.Requests.Count(r => r.Method == "GET"));
        Assert.Equal(1, github.PublisherLogger.Count("PullRequestCreateRaced"));
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task PublishAsync_OtherBranchHasOpenPullRequest_CreatesNewOne()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.AddPullRequest(GitHubHarness.Owner, GitHubHarness.Repo, "agent/job-41/other");

        var published = await github.Publisher.PublishAsync(GitHubHarness.Publication(), GitHubHarness.Ct);

        Assert.False(published.Reused);
        Assert.Equal(2, github.Server.PullRequests.Count);
        Assert.Equal(2, published.Number);
    }

    [Fact]
    public async Task PublishAsync_EnterpriseBaseUrlWithoutTrailingSlash_KeepsApiV3Prefix()
    {
        await using var github = await GitHubHarness.StartAsync("/api/v3", o => o.ApiBaseUrl = new Uri(o.ApiBaseUrl.AbsoluteUri.TrimEnd('/')));

        var published = await github.Publisher.PublishAsync(GitHubHarness.Publication(), GitHubHarness.Ct);

        Assert.False(published.Reused);
        Assert.All(github.Server.Requests, r => Assert.StartsWith("/api/v3/repos/octo/payments/pulls", r.Path, StringComparison.Ordinal));
        Assert.Single(github.Server.PullRequests);
        github.Server.AssertNoFailures();
    }
}
