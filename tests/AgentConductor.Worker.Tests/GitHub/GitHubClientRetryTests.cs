using System.Net;
using System.Net.Sockets;
using AgentConductor.TestSupport.FakeGitHub;
using AgentConductor.Worker.GitHub;
using Octokit;

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
        Assert.All(github.Server.Requests, r => Assert.Equal("2022-11-28", r.Header("X-GitHub-Api-Version")));
        github.Server.AssertNoFailures();
    }

    [Fact]
    public async Task CreatePullRequestAsync_502ThenCreated_ResendsTheSameBody()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.FailNext(1);

        var created = await github.PumpAsync(github.Client.CreatePullRequestAsync(
            "octo", "payments", new NewPullRequest("T", "b", "main") { Body = "Body" }, GitHubHarness.Ct));

        Assert.Equal(1, created.Number);
        var requests = github.Server.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Header("Authorization"), requests[1].Header("Authorization"));
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
        await github.WaitForRetryAsync();
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
        await github.WaitForRetryAsync();
        github.Time.Advance(TimeSpan.FromSeconds(89));
        await Task.Delay(50, GitHubHarness.Ct);

        Assert.False(task.IsCompleted);
        github.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await task);
        Assert.Equal(2, github.Server.Requests.Count);
        Assert.Contains(github.ClientLogger.Entries, e => e.EventName == "GitHubRetryingAnswer" && e.Message.Contains("00:01:30", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("You have exceeded a secondary rate limit.")]
    [InlineData("You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.")] // older servers' wording
    public async Task FindOpenPullRequestAsync_403SecondaryLimitWithoutHeaders_WaitsOneMinuteThenSucceeds(string message)
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.RespondNext(FakeGitHubResponse.Create(403, message));

        var task = Find(github);
        await github.WaitForRetryAsync();
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
        await github.WaitForRetryAsync();
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
        Assert.Contains("API rate limit exceeded", ex.Message, StringComparison.Ordinal);
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
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(3, github.Server.Requests.Count);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_ConnectionRefused_RetriesThenThrowsApiExceptionWithoutStatus()
    {
        await using var github = await GitHubHarness.StartAsync(
            configure: o => (o.ApiBaseUrl, o.MaxRetries) = (new Uri($"http://127.0.0.1:{ClosedPort()}/"), 2));

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => github.PumpAsync(Find(github)));

        Assert.Null(ex.StatusCode);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Contains("GET repos/octo/payments/pulls failed after 3 attempts", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, github.ClientLogger.Count("GitHubRetryingTransportFailure"));
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_NoAnswerWithinAttemptTimeout_AbortsAndRetries()
    {
        await using var github = await GitHubHarness.StartAsync(configure: o => o.AttemptTimeout = TimeSpan.FromSeconds(30));
        github.Server.HangNext();

        var task = Find(github);
        await WaitForRequestsAsync(github, 1);
        await github.Time.WaitForTimersAsync();
        github.Time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50, GitHubHarness.Ct);
        Assert.Equal(0, github.ClientLogger.Count("GitHubRetryingTransportFailure"));
        github.Time.Advance(TimeSpan.FromSeconds(1));
        await github.WaitForRetryAsync();
        github.Time.Advance(github.Options.RetryBaseDelay); // the first backoff is at most one base delay

        Assert.Null(await task);
        Assert.Equal(2, github.Server.Requests.Count);
        Assert.Contains("TimeoutException", Assert.Single(github.ClientLogger.Entries, e => e.EventName == "GitHubRetryingTransportFailure").Message, StringComparison.Ordinal);
        await WaitForAbortsAsync(github, 1);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_NoAnswerAndNoRetriesLeft_ThrowsApiExceptionWithoutStatus()
    {
        await using var github = await GitHubHarness.StartAsync(configure: o => (o.AttemptTimeout, o.MaxRetries) = (TimeSpan.FromSeconds(30), 0));
        github.Server.HangNext();

        var task = Find(github);
        await WaitForRequestsAsync(github, 1);
        await github.Time.WaitForTimersAsync();
        github.Time.Advance(TimeSpan.FromSeconds(30));

        var ex = await Assert.ThrowsAsync<GitHubApiException>(() => EndsSoonAsync(task));
        Assert.Null(ex.StatusCode);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Contains("GET repos/octo/payments/pulls failed after 1 attempt: GitHub GET repos/octo/payments/pulls gave no answer within 00:00:30", ex.Message, StringComparison.Ordinal);
        await WaitForAbortsAsync(github, 1);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_CancelledWhileWaitingForAnswer_AbortsTheRequest()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.HangNext();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(GitHubHarness.Ct);

        var task = github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", cancel.Token);
        await WaitForRequestsAsync(github, 1);
        await cancel.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EndsSoonAsync(task));
        Assert.Equal(cancel.Token, ex.CancellationToken);
        await WaitForAbortsAsync(github, 1);
        Assert.Single(github.Server.Requests);
        Assert.Empty(github.ClientLogger.Entries);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_CancelledDuringRetryWait_StopsWithoutRetrying()
    {
        await using var github = await GitHubHarness.StartAsync();
        github.Server.TooManyRequestsNext(TimeSpan.FromSeconds(30));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(GitHubHarness.Ct);

        var task = github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", cancel.Token);
        await github.WaitForRetryAsync();
        await cancel.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EndsSoonAsync(task));
        Assert.Equal(cancel.Token, ex.CancellationToken);
        Assert.Equal(0, github.Time.PendingTimers);
        github.Time.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(50, GitHubHarness.Ct);
        Assert.Single(github.Server.Requests);
    }

    [Fact]
    public async Task FindOpenPullRequestAsync_AlreadyCancelled_SendsNothing()
    {
        await using var github = await GitHubHarness.StartAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", new CancellationToken(canceled: true)));

        Assert.Empty(github.Server.Requests);
    }

    private static Task<PullRequest?> Find(GitHubHarness github) =>
        github.Client.FindOpenPullRequestAsync("octo", "payments", "octo", "b", GitHubHarness.Ct);

    /// <summary>
    /// The task, once it has ended; a cancellation that does not reach the request would leave it running until
    /// Octokit's own 100 s timeout, far beyond this bound.
    /// </summary>
    private static async Task<T> EndsSoonAsync<T>(Task<T> task)
    {
        await AgentConductor.TestSupport.Eventually.ValueAsync(() => task.IsCompleted ? "ended" : null, GitHubHarness.Ct, TimeSpan.FromSeconds(20));
        return await task;
    }

    private static Task WaitForRequestsAsync(GitHubHarness github, int count) =>
        AgentConductor.TestSupport.Eventually.ValueAsync(() => github.Server.Requests.Count >= count ? "arrived" : null, GitHubHarness.Ct);

    private static Task WaitForAbortsAsync(GitHubHarness github, int count) =>
        AgentConductor.TestSupport.Eventually.ValueAsync(() => github.Server.AbortedRequests >= count ? "aborted" : null, GitHubHarness.Ct);

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
