using System.Net;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class GitHubClientErrorTests
{
    [Fact]
    public async Task CreatePullRequestAsync_401_ThrowsAuthorizationException()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(401, "Bad credentials"));

        var ex = await Assert.ThrowsAsync<GitHubAuthorizationException>(() => CreateAsync(github));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("Bad credentials", ex.GitHubMessage);
        Assert.Contains("POST repos/octo/payments/pulls", ex.Message, StringComparison.Ordinal);
        Assert.Single(github.Server.Requests);
    }

    [Fact]
    public async Task CreatePullRequestAsync_403WithoutRateLimit_ThrowsAuthorizationException()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(403, "Resource not accessible by integration"));

        var ex = await Assert.ThrowsAsync<GitHubAuthorizationException>(() => CreateAsync(github));

        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Single(github.Server.Requests);
    }

    [Fact]
    public async Task UpdatePullRequestAsync_UnknownNumber_ThrowsNotFoundException()
    {
        await using var github = await GitHubHarness.StartAsync();

        var ex = await Assert.ThrowsAsync<GitHubNotFoundException>(
            () => github.Client.UpdatePullRequestAsync("octo", "payments", 99, null, "b", GitHubHarness.Ct));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("Not Found", ex.GitHubMessage);
    }

    [Fact]
    public async Task CreatePullRequestAsync_MissingTitle_ThrowsValidationExceptionWithErrors()
    {
        await using var github = await GitHubHarness.StartAsync();

        var ex = await Assert.ThrowsAsync<GitHubValidationException>(() => github.Client.CreatePullRequestAsync(
            "octo", "payments", new NewPullRequest { Title = null!, Head = "b", Base = "main" }, GitHubHarness.Ct));

        Assert.Equal("Validation Failed", ex.GitHubMessage);
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("PullRequest", "title", "missing_field"), (error.Resource, error.Field, error.Code));
        Assert.False(ex.IsPullRequestAlreadyExists);
    }

    [Fact]
    public async Task CreatePullRequestAsync_OpenPullRequestForHead_ThrowsAlreadyExistsValidation()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.AddPullRequest("octo", "payments", "b");

        var ex = await Assert.ThrowsAsync<GitHubValidationException>(() => CreateAsync(github));

        Assert.True(ex.IsPullRequestAlreadyExists);
        Assert.Contains("A pull request already exists for octo:b.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePullRequestAsync_400_ThrowsApiExceptionWithStatus()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(409, "Conflict"));

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => CreateAsync(github));

        Assert.Equal(typeof(GitHubApiException), ex.GetType());
        Assert.Equal(HttpStatusCode.Conflict, ex.StatusCode);
        Assert.Equal("Conflict", ex.GitHubMessage);
    }

    [Fact]
    public async Task CreatePullRequestAsync_ErrorAndRetriesEchoToken_TokenNeverInMessagesOrLogs()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(502, $"upstream rejected {GitHubHarness.Token}"));
        github.Server.RespondNext(FakeGitHubResponse.Create(401, $"Bad credentials: {GitHubHarness.Token}"));

        var ex = await Assert.ThrowsAsync<GitHubAuthorizationException>(() => github.PumpAsync(CreateAsync(github)));

        Assert.Contains("Bad credentials: ***", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(GitHubHarness.Token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(GitHubHarness.Token, ex.GitHubMessage!, StringComparison.Ordinal);
        Assert.Equal(1, github.ClientLogger.Count("GitHubRetryingAnswer"));
        Assert.DoesNotContain(GitHubHarness.Token, github.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ApiBaseUrlNotAbsolute_Throws()
    {
        using var httpClient = new HttpClient();

        var ex = Assert.Throws<ArgumentException>(() => new GitHubClient(
            httpClient, new GitHubOptions { ApiBaseUrl = new Uri("api/v3", UriKind.Relative), Token = "t" },
            TimeProvider.System, new AgentConductor.TestSupport.ListLogger<GitHubClient>()));

        Assert.Equal("apiBaseUrl", ex.ParamName);
    }

    private static Task<PullRequest> CreateAsync(GitHubHarness github) => github.Client.CreatePullRequestAsync(
        "octo", "payments", new NewPullRequest { Title = "T", Head = "b", Base = "main" }, GitHubHarness.Ct);
}
