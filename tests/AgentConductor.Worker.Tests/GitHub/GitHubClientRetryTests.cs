using System.Net;
using System.Net.Sockets;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.Tests.GitHub;

public sealed class GitHubClientRetryTests
{
    [Fact]
    public async Task FindOpenPullRequestAsync_Two502s_RetriesThenSucceeds()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.AddPullRequest("octo", "payments", "b");
        github.Server.FailNext(2);

        var found = await github.PumpAsync(Find(github));

        Assert.Equal(1, found?.Number);
        Assert.Equal(3, github.Server.Requests.Count);
        Assert.Equal(2, github.ClientLogger.Count("GitHubRetryingAnswer"));
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_502BeyondMaxRetries_ThrowsApiException()
    {
        await using var github = await GitHubHarness.StartAsync(configure: o => o.MaxRetries = 2);
        github.Server.FailNext(3);

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => github.PumpAsync(Find(github)));

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Equal(3, github.Server.Requests.Count);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_429WithRetryAfter_WaitsExactlyThatLongThenSucceeds()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.TooManyRequestsNext(TimeSpan.FromSeconds(30));

        var task = Find(github);
        await github.Time.WaitForTimersAsync();
        github.Time.Advance(TimeSpan.FromSeconds(29.9));
        await Task.Delay(50, GitHubHarness.Ct);

        Assert.False(task.IsCompleted);
        Assert.Single(github.Server.Requests);
        github.Time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Null(await task);
        Assert.Equal(2, github.Server.Requests.Count);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_403PrimaryRateLimit_WaitsUntilResetThenSucceeds()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RateLimitNext(github.Time.GetUtcNow().AddSeconds(90));

        var task = Find(github);
        await github.Time.WaitForTimersAsync();
        github.Time.Advance(TimeSpan.FromSeconds(89));
        await Task.Delay(50, GitHubHarness.Ct);

        Assert.False(task.IsCompleted);
        github.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await task);
        Assert.Equal(2, github.Server.Requests.Count);
        Assert.Contains(github.ClientLogger.Entries, e => e.EventName == "GitHubRetryingAnswer" && e.Message.Contains("00:01:30", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_403SecondaryLimitWithoutHeaders_WaitsOneMinuteThenSucceeds()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(403, "You have exceeded a secondary rate limit."));

        var task = Find(github);
        await github.Time.WaitForTimersAsync();
        github.Time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(50, GitHubHarness.Ct);

        Assert.False(task.IsCompleted);
        github.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await task);
        Assert.Equal(2, github.Server.Requests.Count);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_503WithRetryAfter_WaitsWhatServerAsked()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(503, "Unavailable", ("Retry-After", "120")));

        var task = Find(github);
        await github.Time.WaitForTimersAsync();
        github.Time.Advance(TimeSpan.FromSeconds(119));
        await Task.Delay(50, GitHubHarness.Ct);

        Assert.False(task.IsCompleted);
        github.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await task);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_RateLimitResetBeyondMaxRetryWait_ThrowsWithoutWaiting()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RateLimitNext(github.Time.GetUtcNow().AddHours(1));

        var ex = await Assert.ThrowsAsync<GitHubRateLimitException>(() => Find(github));

        Assert.Equal(TimeSpan.FromHours(1), ex.RetryAfter);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Single(github.Server.Requests);
        Assert.Equal(0, github.Time.PendingTimers);
        Assert.Equal(1, github.ClientLogger.Count("GitHubWaitTooLong"));
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_RateLimitedEveryTime_ThrowsRateLimitAfterMaxRetries()
    {
        await using var github = await GitHubHarness.StartAsync(configure: o => o.MaxRetries = 2);
        for (var i = 0; i < 3; i++)
        {
            github.Server.TooManyRequestsNext(TimeSpan.FromSeconds(10));
        }

        var ex = await Assert.ThrowsAsync<GitHubRateLimitException>(() => github.PumpAsync(Find(github)));

        Assert.Equal(TimeSpan.FromSeconds(10), ex.RetryAfter);
        Assert.Equal(3, github.Server.Requests.Count);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_ConnectionRefused_RetriesThenThrowsApiExceptionWithoutStatus()
    {
        var time = new FakeTimeProvider();
        using var httpClient = new HttpClient();
        var options = new GitHubOptions { ApiBaseUrl = new Uri($"http://127.0.0.1:{ClosedPort()}/"), Token = GitHubHarness.Token, MaxRetries = 2 };
        var logger = new ListLogger<GitHubClient>();
        var client = new GitHubClient(httpClient, options, time, logger);

        var task = client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", GitHubHarness.Ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            if (time.PendingTimers > 0)
            {
                time.Advance(TimeSpan.FromMinutes(1));
            }

            await Task.Delay(1, GitHubHarness.Ct);
        }

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => task);
        Assert.Null(ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(2, logger.Count("GitHubRetryingTransportFailure"));
    }

    private static Task<PullRequest?> Find(GitHubHarness github) =>
        github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", GitHubHarness.Ct);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
