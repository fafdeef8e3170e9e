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
    [InlineData("Bearer " + GitHubHarness.Token, "application/json", "2022-11-28", "missing Accept")]
    [InlineData("token " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28", "wrong Authorization")]
    [InlineData("Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2021-01-01", "missing X-GitHub-Api-Version")]
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
    [InlineData("GET", "repos/o/r/pulls?state=open", null, "head filter")]
    [InlineData("GET", "repos/o/r/pulls?head=o:b&state=opened", null, "bad value 'opened' for 'state'")]
    [InlineData("GET", "repos/o/r/pulls?head=o:b&sort=name", null, "bad value 'name' for 'sort'")]
    [InlineData("GET", "repos/o/r/pulls?head=o:b&per_page=500", null, "bad value '500' for 'per_page'")]
    [InlineData("GET", "repos/o/r/pulls?head=o:b&author=me", null, "unknown query parameter 'author'")]
    [InlineData("GET", "repos/o/r/issues", null, "unknown route")]
    [InlineData("POST", "repos/o/r/issues/1/labels", "{\"labels\":[\"x\"]}", "unknown route")]
    [InlineData("POST", "repos/o/r/pulls/1/comments", "{\"body\":\"x\",\"commit_id\":\"abc\",\"path\":\"a.cs\",\"line\":1}", "unexpected field 'commit_id'")]
    [InlineData("POST", "repos/o/r/pulls/1/comments", "{\"body\":\"x\",\"in_reply_to\":\"5\"}", "in_reply_to must be a comment id")]
    [InlineData("POST", "repos/o/r/issues/1/comments", "{\"body\":5}", "body must be a string")]
    [InlineData("POST", "repos/o/r/issues/1/comments", "{\"body\":\"x\",\"labels\":[]}", "unexpected field 'labels'")]
    [InlineData("POST", "repos/o/r/pulls?draft=true", "{\"title\":\"t\",\"head\":\"b\",\"base\":\"main\"}", "no query expected")]
    [InlineData("POST", "repos/o/r/pulls", "{not json", "not a JSON object")]
    [InlineData("POST", "repos/o/r/pulls", "{\"title\":\"t\",\"head\":\"b\",\"base\":\"main\"}", "Content-Type must be application/json", "text/plain")]
    [InlineData("POST", "repos/o/r/pulls", "{\"title\":\"t\",\"head\":\"b\",\"base\":\"main\",\"draft\":\"yes\"}", "draft and maintainer_can_modify booleans")]
    [InlineData("POST", "repos/o/r/pulls", "{\"title\":\"t\",\"head\":\"b\",\"base\":\"main\",\"labels\":[\"x\"]}", "unexpected field 'labels'")]
    public async Task Request_MalformedRequest_Answers400AndRecordsFailure(
        string method, string path, string? body, string expected, string contentType = "application/json")
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.BaseUrl, path));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28");
        request.Content = body is null ? null : new StringContent(body, Encoding.UTF8, contentType);

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, Assert.Single(server.Failures), StringComparison.Ordinal);
        Assert.Empty(server.PullRequests);
    }

    [Theory]
    [InlineData("application/vnd.github+json")]
    [InlineData("application/vnd.github.v3+json")]
    public async Task Request_EitherGitHubJsonMediaType_IsAccepted(string accept)
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "repos/o/r/pulls?state=open&head=o:b&sort=created&direction=desc"));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, accept, "2022-11-28");

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync(GitHubHarness.Ct));
        server.AssertNoFailures();
    }

    [Fact]
    public async Task Request_UpdateWithFieldTheFakeDoesNotTake_Answers400()
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        server.AddPullRequest("o", "r", "b");
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(server.BaseUrl, "repos/o/r/pulls/1"));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28");
        request.Content = new StringContent("{\"body\":\"x\",\"maintainer_can_modify\":true}", Encoding.UTF8, "application/json");

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("unexpected field 'maintainer_can_modify'", Assert.Single(server.Failures), StringComparison.Ordinal);
        Assert.Null(Assert.Single(server.PullRequests).Body);
    }

    [Theory]
    [InlineData("repos/o/r/pulls/1/comments", "{\"body\":\"hi\",\"in_reply_to\":999}", 404)]
    [InlineData("repos/o/r/pulls/2/comments", "{\"body\":\"hi\",\"in_reply_to\":{id}}", 404)]
    [InlineData("repos/o/r/pulls/7/comments", "{\"body\":\"hi\",\"in_reply_to\":{id}}", 404)]
    [InlineData("repos/o/r/pulls/1/comments", "{\"body\":\"\",\"in_reply_to\":{id}}", 422)]
    [InlineData("repos/o/r/pulls/1/comments", "{\"in_reply_to\":{id}}", 422)]
    [InlineData("repos/o/r/issues/9/comments", "{\"body\":\"hi\"}", 404)]
    [InlineData("repos/o/r/issues/1/comments", "{}", 422)]
    [InlineData("repos/o/r/issues/1/comments", "{\"body\":\"{long}\"}", 422)]
    public async Task Comment_WhatGitHubRefuses_AnsweredAsGitHubDoesAndNothingStored(string path, string body, int status)
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        server.AddPullRequest("o", "r", "agent/a");
        server.AddPullRequest("o", "r", "agent/b");
        var line = server.AddReviewComment("o", "r", 1, "a.cs", 3, "Please rename.");
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, path));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28");
        request.Content = new StringContent(
            body.Replace("{id}", line.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{long}", new string('x', FakeGitHubCommentEndpoints.MaxBodyLength + 1), StringComparison.Ordinal),
            Encoding.UTF8,
            "application/json");

        using var response = await client.SendAsync(request, GitHubHarness.Ct);

        Assert.Equal(status, (int)response.StatusCode);
        server.AssertNoFailures();
        Assert.Equal([line], server.ReviewComments);
        Assert.Empty(server.IssueComments);
    }

    [Fact]
    public async Task HangNext_ClientGivesUp_RequestCountedAsAborted()
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        server.HangNext();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "repos/o/r/pulls?head=o:b"));
        AddHeaders(request, "Bearer " + GitHubHarness.Token, "application/vnd.github+json", "2022-11-28");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(GitHubHarness.Ct);

        var sending = client.SendAsync(request, cancel.Token);
        await AgentConductor.TestSupport.Eventually.ValueAsync(() => server.Requests.IsEmpty ? null : "arrived", GitHubHarness.Ct);
        Assert.False(sending.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending);
        await AgentConductor.TestSupport.Eventually.ValueAsync(() => server.AbortedRequests == 1 ? "aborted" : null, GitHubHarness.Ct);
        server.AssertNoFailures();
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
