using System.Net;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;
using Octokit;

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
            () => github.Client.UpdatePullRequestAsync("octo", "payments", 99, new PullRequestUpdate { Body = "b" }, GitHubHarness.Ct));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("Not Found", ex.GitHubMessage);
        Assert.Contains("PATCH repos/octo/payments/pulls/99 answered 404 NotFound: Not Found", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePullRequestAsync_422WithErrors_ThrowsValidationExceptionWithErrors()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(new FakeGitHubResponse(
            422, FakeGitHubJson.Validation("PullRequest", "base", "invalid").ToJsonString(), new Dictionary<string, string>()));

        var ex = await Assert.ThrowsAsync<GitHubValidationException>(() => CreateAsync(github));

        Assert.Equal("Validation Failed", ex.GitHubMessage);
        var error = Assert.Single(ex.Errors);
        Assert.Equal(("PullRequest", "base", "invalid"), (error.Resource, error.Field, error.Code));
        Assert.Contains("Validation Failed (PullRequest.base invalid)", ex.Message, StringComparison.Ordinal);
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
    public async Task CreatePullRequestAsync_AnswerNotJson_QuotesTheBodyShortened()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(new FakeGitHubResponse(400, "<html>" + new string('x', 1000) + "</html>", new Dictionary<string, string>()));

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => CreateAsync(github));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.StartsWith("<html>xxx", ex.GitHubMessage, StringComparison.Ordinal);
        Assert.Equal(301, ex.GitHubMessage!.Length);
    }

    [Fact]
    public async Task CreatePullRequestAsync_409_ThrowsApiExceptionWithStatus()
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
        Assert.Null(ex.InnerException); // Octokit's exception quotes the body as it came
        Assert.DoesNotContain(GitHubHarness.Token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(GitHubHarness.Token, ex.GitHubMessage!, StringComparison.Ordinal);
        Assert.Equal(1, github.ClientLogger.Count("GitHubRetryingAnswer"));
        Assert.DoesNotContain(GitHubHarness.Token, github.AllLogText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePullRequestAsync_ValidationErrorEchoesBasicAuthHeader_TokenHiddenEvenInBase64()
    {
        await using var github = await GitHubHarness.StartAsync();
        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"x-access-token:{GitHubHarness.Token}"));
        github.Server.RespondNext(new FakeGitHubResponse(
            422,
            FakeGitHubJson.Validation("PullRequest", "head", "invalid", $"proxy refused Authorization: Basic {basic}").ToJsonString(),
            new Dictionary<string, string>()));

        var ex = await Assert.ThrowsAsync<GitHubValidationException>(() => CreateAsync(github));

        Assert.Contains("***", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(basic, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(basic[^20..], ex.ToString(), StringComparison.Ordinal);
    }

    private static Task<PullRequest> CreateAsync(GitHubHarness github) => github.Client.CreatePullRequestAsync(
        "octo", "payments", new NewPullRequest("T", "b", "main"), GitHubHarness.Ct);
}
