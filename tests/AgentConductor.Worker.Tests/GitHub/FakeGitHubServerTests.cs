using System.Net;
using System.Text;
using AgentConductor.TestSupport.FakeGitHub;

namespace AgentConductor.Worker.Tests.GitHub;

/// <summary>The fake must refuse what real GitHub would, or the client tests prove nothing.</summary>
public sealed class FakeGitHubServerTests
{
    [Theory]
    [InlineData(null, "application/vnd.github+json", "2022-11-28", "missing Authorization")]
    [InlineData("Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28", "missing User-Agent", false)]
    [InlineData("Bearer wrong", "application/vnd.github+json", "2022-11-28", "wrong Authorization")]
    [InlineData("Bearer " + GitHubHarness.Token, null, "2022-11-28", "missing Accept")]
    [InlineData("Bearer " + GitHubHarness.Token, "application/vnd.github+json", null, "missing X-GitHub-Api-Version")]
    public async Task Request_MissingOrWrongHeader_Answers400AndRecordsFailure(
        string? authorization, string? accept, string? version, string expected, bool userAgent = true)
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "repos/o/r/pulls?head=o:b"));
        AddHeaders(request, authorization, accept, version, userAgent);

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, Assert.Single(server.Failures), StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(server.AssertNoFailures);
    }

    [Theory]
    [InlineData("GET", "repos/o/r/pulls?head=b", null, "head filter")]
    [InlineData("GET", "repos/o/r/issues", null, "unknown route")]
    [InlineData("POST", "repos/o/r/pulls", "{not json", "not a JSON object")]
    [InlineData("POST", "repos/o/r/pulls", "{\"title\":\"t\",\"head\":\"b\",\"base\":\"main\",\"draft\":\"yes\"}", "draft a boolean")]
    public async Task Request_MalformedRequest_Answers400AndRecordsFailure(string method, string path, string? body, string expected)
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.BaseUrl, path));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28");
        request.Content = body is null ? null : new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, Assert.Single(server.Failures), StringComparison.Ordinal);
        Assert.Empty(server.PullRequests);
    }

    [Fact]
    public async Task Request_EnterprisePrefixMissing_IsUnknownRoute()
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, "/api/v3", GitHubHarness.Ct);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "/repos/o/r/pulls?head=o:b"));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28");

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unknown route", Assert.Single(server.Failures), StringComparison.Ordinal);
    }

    private static void AddHeaders(HttpRequestMessage request, string? authorization, string? accept, string? version, bool userAgent = true)
    {
        if (userAgent)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", "tests");
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        if (version is not null)
        {
            request.Headers.TryAddWithoutValidation("X-GitHub-Api-Version", version);
        }
    }
}
