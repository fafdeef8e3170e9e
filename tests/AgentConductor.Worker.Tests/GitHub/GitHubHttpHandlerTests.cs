using System.Net;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

/// <summary>
/// Octokit cancels each call after 100 s of wall clock through the token it hands the handler, retry waits included;
/// inside a <see cref="GitHubCall"/> the worker's token decides instead, so a long rate-limit wait is not cut short.
/// </summary>
public sealed class GitHubHttpHandlerTests
{
    [Fact]
    public async Task SendAsync_InsideCallWhileOctokitsTokenIsCancelled_SendsAndAddsApiVersion()
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        using var invoker = Invoker(server);
        using var request = Request(server);

        using (GitHubCall.Begin(null, GitHubHarness.Ct))
        {
            using var response = await invoker.SendAsync(request, new CancellationToken(canceled: true));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("2022-11-28", Assert.Single(server.Requests).Header("X-GitHub-Api-Version"));
        server.AssertNoFailures();
    }

    [Fact]
    public async Task SendAsync_OutsideAnyCall_HonoursTheTokenItIsGiven()
    {
        await using var server = await FakeGitHubServer.StartAsync(GitHubHarness.Token, cancellationToken: GitHubHarness.Ct);
        using var invoker = Invoker(server);
        using var request = Request(server);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => invoker.SendAsync(request, new CancellationToken(canceled: true)));

        Assert.Empty(server.Requests);
    }

    private static HttpMessageInvoker Invoker(FakeGitHubServer server) => new(
        new GitHubHttpHandler(new GitHubOptions(), server.BaseUrl, TimeProvider.System, new ListLogger<GitHubHttpHandler>())
        {
            InnerHandler = new SocketsHttpHandler(),
        });

    private static HttpRequestMessage Request(FakeGitHubServer server)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, "repos/o/r/pulls?head=o:b"));
        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {GitHubHarness.Token}");
        request.Headers.TryAddWithoutValidation("Accept", "application/vnd.github+json");
        request.Headers.TryAddWithoutValidation("User-Agent", "tests");
        return request;
    }
}
