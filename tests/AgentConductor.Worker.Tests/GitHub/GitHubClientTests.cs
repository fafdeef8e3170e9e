using System.Text.Json.Nodes;
using AgentConductor.TestSupport;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.Secrets;
using Octokit;

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
        Assert.Equal("application/vnd.github.v3+json", request.Header("Accept"));
        Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
        Assert.StartsWith("agent-conductor-worker (", request.Header("User-Agent"), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(request.Query);
        Assert.Equal(
            ["direction=desc", "head=octo:agent/job-1/fix", "sort=created", "state=open"],
            query.AllKeys.Order(StringComparer.Ordinal).Select(k => $"{k}={query[k]}"));
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
    public async Task CreatePullRequestAsync_TitleHeadBaseBodyDraft_SendsExactlyThoseFields()
    {
        await using var github = await GitHubHarness.StartAsync();

        var created = await github.Client.CreatePullRequestAsync(
            "octo", "payments", new NewPullRequest("PAY-1: Fix", "agent/job-1/fix", "main") { Body = "Body", Draft = true }, GitHubHarness.Ct);

        var request = Assert.Single(github.Server.Requests);
        Assert.Equal(("POST", "/repos/octo/payments/pulls", ""), (request.Method, request.Path, request.Query));
        Assert.Equal("application/x-www-form-urlencoded; charset=utf-8", request.Header("Content-Type")); // Octokit's label for its JSON
        var json = Assert.IsType<JsonObject>(JsonNode.Parse(request.Body));
        Assert.Equal(
            ["base=main", "body=Body", "draft=true", "head=agent/job-1/fix", "title=PAY-1: Fix"],
            json.Select(p => $"{p.Key}={p.Value}").Order(StringComparer.Ordinal));
        Assert.Equal((1, "PAY-1: Fix", true), (created.Number, created.Title, created.Draft));
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task UpdatePullRequestAsync_BodyOnly_LeavesTitleOutOfRequest()
    {
        await using var github = await GitHubHarness.StartAsync();
        var existing = github.Server.AddPullRequest("octo", "payments", "b", title: "Kept");

        var updated = await github.Client.UpdatePullRequestAsync(
            "octo", "payments", existing.Number, new PullRequestUpdate { Body = "New body" }, GitHubHarness.Ct);

        Assert.Equal("New body", updated.Body);
        Assert.Equal("Kept", updated.Title);
        var request = Assert.Single(github.Server.Requests);
        Assert.Equal(("PATCH", "/repos/octo/payments/pulls/1"), (request.Method, request.Path));
        Assert.Equal("{\"body\":\"New body\"}", request.Body);
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_EnterpriseBaseWithPath_RequestsUnderApiV3()
    {
        RerouteToFake? transport = null;
        await using var github = await GitHubHarness.StartAsync(
            "/api/v3", o => o.ApiBaseUrl = new Uri("https://ghe.example/api/v3/"), server => transport = new RerouteToFake(server));

        await github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", GitHubHarness.Ct);

        var requested = Assert.Single(transport!.Requested);
        Assert.Equal("https://ghe.example/api/v3/repos/octo/payments/pulls", requested.GetLeftPart(UriPartial.Path));
        Assert.Equal("/api/v3/repos/octo/payments/pulls", Assert.Single(github.Server.Requests).Path);
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_DefaultBase_RequestsApiGitHubComAtTheRoot()
    {
        RerouteToFake? transport = null;
        await using var github = await GitHubHarness.StartAsync(
            configure: o => o.ApiBaseUrl = new GitHubOptions().ApiBaseUrl, transport: server => transport = new RerouteToFake(server));

        await github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", GitHubHarness.Ct);

        var requested = Assert.Single(transport!.Requested);
        Assert.Equal("https://api.github.com/repos/octo/payments/pulls", requested.GetLeftPart(UriPartial.Path));
        Assert.Equal("/repos/octo/payments/pulls", Assert.Single(github.Server.Requests).Path);
        github.Server.AssertNoFailures();
    }

    [Fact]
    public void Constructor_BadSettings_ThrowsNamingEveryProblem()
    {
        var options = new GitHubOptions { ApiBaseUrl = new Uri("ftp://ghe.example/"), Token = "" };

        var ex = Assert.Throws<ArgumentException>(() => new OctokitGitHubClient(
            options, TimeProvider.System, new SecretMasker(), new ListLogger<GitHubHttpHandler>()));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("GITHUB_API_URL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("token is not set", ex.Message, StringComparison.Ordinal);
    }
}
