using System.Net;
using System.Text.Json;
using AgentConductor.Conductor.GitHub;
using AgentConductor.TestSupport;
using AgentConductor.TestSupport.FakeGitHub;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.GitHub;

/// <summary>Minting installation tokens through Octokit against the strict fake GitHub that checks the JWT and the scoping.</summary>
public sealed class InstallationTokensTests
{
    private static readonly RepositoryName App = new("acme", "app");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MintAsync_AppInstalled_LooksUpTheInstallationAndMintsATokenForTheOneRepository()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time);

        var token = await minting.Tokens.MintAsync(App, Ct);

        rig.Server.AssertNoFailures();
        var minted = Assert.Single(rig.App.Tokens);
        Assert.Equal((minted.Token, minted.ExpiresAt, rig.InstallationId, App), (token.Token, token.ExpiresAt, token.InstallationId, token.Repository));
        Assert.Equal(["acme/app"], minted.Repositories);
        Assert.Equal(new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write" }, minted.Permissions);
        Assert.Equal(
            [("GET", "/repos/acme/app/installation"), ("POST", $"/app/installations/{rig.InstallationId}/access_tokens")],
            rig.Server.Requests.Select(r => (r.Method, r.Path)));
        var request = rig.Server.Requests.Last();
        Assert.Equal("""{"repositories":["app"],"permissions":{"contents":"write","pull_requests":"write"}}""", request.Body);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal("2022-11-28", request.Header("X-GitHub-Api-Version"));
        Assert.All(rig.Server.Requests, r => Assert.Equal($"Bearer {rig.App.AcceptedJwts[0]}", r.Header("Authorization")));
        // Registered as secrets before anything could log them: the token and the JWT it was minted with.
        Assert.Equal("***", minting.Secrets.Mask(token.Token));
        Assert.Equal("***", minting.Secrets.Mask(rig.App.AcceptedJwts[0]));
        var logged = Assert.Single(minting.Logger.Entries);
        Assert.Equal("GitHubTokenMinted", logged.EventName);
        Assert.Contains("acme/app", logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token, logged.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token.Token, token.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintAsync_403PrimaryRateLimit_WaitsUntilTheResetOnTheClockThenMints()
    {
        var time = new TimerTrackingTimeProvider(WholeSecondNow());
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => (o.InstallationId, o.MaxRetryWait) = (rig.InstallationId, TimeSpan.FromMinutes(2)));
        rig.Server.RateLimitNext(time.GetUtcNow().AddSeconds(90));

        var task = minting.Tokens.MintAsync(App, Ct);
        await WaitForRetryAsync(minting, time);
        time.Advance(TimeSpan.FromSeconds(89));
        await Task.Delay(50, Ct);

        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var token = await task;
        Assert.Equal(Assert.Single(rig.App.Tokens).Token, token.Token);
        Assert.Equal(2, rig.Server.Requests.Count);
        Assert.Contains(minting.HandlerLogger.Entries, e => e.EventName == "GitHubAppRetryingAnswer" && e.Message.Contains("00:01:30", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MintAsync_429WithRetryAfter_WaitsWhatGitHubAskedThenMints()
    {
        var time = new TimerTrackingTimeProvider(WholeSecondNow());
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => (o.InstallationId, o.MaxRetryWait) = (rig.InstallationId, TimeSpan.FromMinutes(2)));
        rig.Server.TooManyRequestsNext(TimeSpan.FromSeconds(30));

        var task = minting.Tokens.MintAsync(App, Ct);
        await WaitForRetryAsync(minting, time);
        time.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(50, Ct);

        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await task;
        Assert.Single(rig.App.Tokens);
        Assert.Equal(2, rig.Server.Requests.Count);
    }

    [Fact]
    public async Task MintAsync_EveryCall_MintsANewTokenButReusesTheJwtForAMinute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => o.InstallationId = rig.InstallationId);

        var first = await minting.Tokens.MintAsync(App, Ct);
        time.Advance(TimeSpan.FromSeconds(59));
        var second = await minting.Tokens.MintAsync(App, Ct);
        time.Advance(TimeSpan.FromSeconds(2));
        var third = await minting.Tokens.MintAsync(App, Ct);

        Assert.Equal(3, new[] { first.Token, second.Token, third.Token }.Distinct().Count());
        Assert.Equal(3, rig.App.Tokens.Count);
        Assert.Equal(3, rig.App.AcceptedJwts.Count);
        Assert.Equal(2, rig.App.AcceptedJwts.Distinct().Count());
        Assert.Equal(rig.App.AcceptedJwts[0], rig.App.AcceptedJwts[1]);
    }

    [Fact]
    public async Task MintAsync_ConfiguredInstallation_SkipsTheLookupAndAddsTheConfiguredPermissions()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var granted = new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write", ["issues"] = "write", ["checks"] = "read" };
        await using var rig = await GitHubAppRig.StartAsync(time, granted: granted, cancellationToken: Ct);
        using var minting = rig.Minting(time, o =>
        {
            o.InstallationId = rig.InstallationId;
            o.Permissions["issues"] = "write";
            o.Permissions["checks"] = "read";
        });

        await minting.Tokens.MintAsync(new RepositoryName("acme", "api"), Ct);

        rig.Server.AssertNoFailures();
        Assert.Equal([("POST", $"/app/installations/{rig.InstallationId}/access_tokens")], rig.Server.Requests.Select(r => (r.Method, r.Path)));
        var minted = Assert.Single(rig.App.Tokens);
        Assert.Equal(["acme/api"], minted.Repositories);
        Assert.Equal(granted, minted.Permissions);
    }

    [Fact]
    public async Task MintAsync_AppNotInstalledOnTheRepository_FailsNotRetryableSayingSo()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time);

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(new RepositoryName("acme", "payments"), Ct));

        Assert.False(ex.Retryable);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("GitHub answered 404 while looking up the GitHub App's installation on acme/payments", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the GitHub App is not installed on acme/payments", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rig.App.Tokens);
    }

    [Fact]
    public async Task MintAsync_RepositoryOutsideTheConfiguredInstallation_Fails422()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => o.InstallationId = rig.InstallationId);

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(new RepositoryName("acme", "payments"), Ct));

        Assert.False(ex.Retryable);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.StatusCode);
        Assert.Contains("not accessible to the parent installation", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the repository must be in the installation", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintAsync_PermissionTheInstallationWasNotGranted_Fails422NamingThePermissions()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => o.Permissions["issues"] = "write");

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, ex.StatusCode);
        Assert.Contains("The permissions requested are not granted to this installation.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("contents:write, issues:write, pull_requests:write", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rig.App.Tokens);
    }

    [Fact]
    public async Task MintAsync_KeyGitHubDoesNotKnow_Fails401NamingTheKey()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var otherKey = FakeGitHubApp.CreateKey();
        await using var rig = await GitHubAppRig.StartAsync(time, knownKey: otherKey, cancellationToken: Ct);
        using var minting = rig.Minting(time);

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.False(ex.Retryable);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("A JSON web token could not be decoded", ex.Message, StringComparison.Ordinal);
        Assert.Contains("check GitHub:AppId, that the private key is the App's current one, and this host's clock", ex.Message, StringComparison.Ordinal);
        Assert.Empty(rig.App.AcceptedJwts);
    }

    [Theory]
    [InlineData(-20, "'Expiration time' claim ('exp') must be a numeric value representing the future")]
    [InlineData(+5, "'Issued at' claim ('iat') must be an Integer representing a time in the past.")]
    public async Task MintAsync_ClockSkewedFromGitHubs_Fails401WithGitHubsReason(int skewMinutes, string reason)
    {
        var gitHubTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var conductorTime = new FakeTimeProvider(gitHubTime.GetUtcNow().AddMinutes(skewMinutes));
        await using var rig = await GitHubAppRig.StartAsync(gitHubTime, cancellationToken: Ct);
        using var minting = rig.Minting(conductorTime);

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        Assert.Contains("this host's clock", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintAsync_ClockBehindByLessThanTheBackdate_StillAccepted()
    {
        var gitHubTime = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var conductorTime = new FakeTimeProvider(gitHubTime.GetUtcNow().AddSeconds(50));
        await using var rig = await GitHubAppRig.StartAsync(gitHubTime, cancellationToken: Ct);
        using var minting = rig.Minting(conductorTime);

        await minting.Tokens.MintAsync(App, Ct);

        Assert.Single(rig.App.Tokens);
    }

    [Fact]
    public async Task MintAsync_GitHubAnswers502_RetriesAfterABackoffOnTheInjectedClock()
    {
        var time = new TimerTrackingTimeProvider(WholeSecondNow());
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        // No attempt may time out while the clock moves across the retry wait.
        using var minting = rig.Minting(time, o => (o.InstallationId, o.AttemptTimeout) = (rig.InstallationId, TimeSpan.FromDays(1)));
        rig.Server.FailNext(1);

        var mint = minting.Tokens.MintAsync(App, Ct);
        await Eventually.ValueAsync(() => rig.Server.Requests.IsEmpty ? null : "asked", Ct);
        Assert.False(mint.IsCompleted);
        var waited = await AdvanceUntilAsync(time, mint);
        var token = await mint;

        Assert.InRange(waited, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1));

        Assert.Equal(2, rig.Server.Requests.Count);
        Assert.Equal(Assert.Single(rig.App.Tokens).Token, token.Token);
    }

    /// <summary>Moves the clock in small steps until <paramref name="task"/> ends; how far it had to move.</summary>
    private static async Task<TimeSpan> AdvanceUntilAsync(TimerTrackingTimeProvider time, Task task)
    {
        var step = TimeSpan.FromMilliseconds(50);
        var moved = TimeSpan.Zero;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!task.IsCompleted && DateTime.UtcNow < deadline)
        {
            await time.WaitForTimersAsync();
            time.Advance(step);
            moved += step;
            await Task.WhenAny(task, Task.Delay(20, Ct));
        }

        return moved;
    }

    [Fact]
    public async Task MintAsync_GitHubKeepsAnswering503_FailsRetryable()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => (o.InstallationId, o.MaxRetries) = (rig.InstallationId, 0));
        rig.Server.FailNext(1, 503);

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.True(ex.Retryable);
        Assert.Contains("GitHub answered 503 while minting a token for acme/app", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintAsync_RateLimitLongerThanTheLongestWait_FailsRetryableWithoutWaiting()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => o.InstallationId = rig.InstallationId);
        rig.Server.RateLimitNext(time.GetUtcNow().AddMinutes(30));

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.True(ex.Retryable);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Single(rig.Server.Requests);
    }

    [Theory]
    [InlineData("You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", true)]
    [InlineData("You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.", true)]
    [InlineData("Resource not accessible by integration", false)]
    public async Task MintAsync_403WithoutRateLimitHeaders_RetryableOnlyWhenItsMessageNamesASecondaryLimit_NeverWaited(string message, bool retryable)
    {
        // GitHub asks for at least a minute after a secondary limit, more than a handshake may wait: the worker asks again.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => o.InstallationId = rig.InstallationId);
        rig.Server.RespondNext(FakeGitHubResponse.Create(403, message));

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.Equal(retryable, ex.Retryable);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Contains(retryable ? "; try again later" : "(check the GitHub App's settings and installation)", ex.Message, StringComparison.Ordinal);
        Assert.Single(rig.Server.Requests);
    }

    [Fact]
    public async Task MintAsync_GitHubUnreachable_FailsRetryable()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var rig = await GitHubAppRig.StartAsync(time, cancellationToken: Ct);
        using var minting = rig.Minting(time, o => (o.ApiUrl, o.MaxRetries) = (new Uri($"http://127.0.0.1:{FreePort.Next()}/"), 0));

        var ex = await Assert.ThrowsAsync<GitHubAppException>(() => minting.Tokens.MintAsync(App, Ct));

        Assert.True(ex.Retryable);
        Assert.Contains("GitHub could not be reached while looking up the GitHub App's installation on acme/app", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MintAsync_EnterpriseApiBase_CallsUnderApiV3()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var key = FakeGitHubApp.CreateKey();
        using var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("app.pem"), key.ExportPkcs8PrivateKeyPem(), Ct);
        var app = new FakeGitHubApp(GitHubAppRig.AppId, key, time);
        app.Install("acme", ["app"]);
        await using var server = await FakeGitHubServer.StartAsync(app, pathPrefix: "/api/v3", cancellationToken: Ct);
        var options = new GitHubAppOptions { AppId = GitHubAppRig.AppId, AppPrivateKeyPath = directory.File("app.pem"), ApiUrl = new Uri(server.BaseUrl.ToString().TrimEnd('/')) };
        var secrets = new AgentConductor.Conductor.Secrets.SecretRegistry([], time);
        using var jwt = new GitHubAppJwt(options, time, secrets);
        using var client = new GitHubAppClient(options, jwt, time, new ListLogger<GitHubAppHttpHandler>());

        var token = await new InstallationTokens(client, Microsoft.Extensions.Options.Options.Create(options), secrets, new ListLogger<InstallationTokens>()).MintAsync(App, Ct);

        server.AssertNoFailures();
        Assert.Equal(Assert.Single(app.Tokens).Token, token.Token);
        Assert.All(server.Requests, r => Assert.StartsWith("/api/v3/", r.Path, StringComparison.Ordinal));
        using var body = JsonDocument.Parse(server.Requests.Last().Body);
        Assert.Equal("app", body.RootElement.GetProperty("repositories")[0].GetString());
    }

    /// <summary>Until the handler has logged its retry and started waiting on the clock.</summary>
    private static async Task WaitForRetryAsync(GitHubAppRig.MintingRig minting, TimerTrackingTimeProvider time)
    {
        await Eventually.ValueAsync(() => minting.HandlerLogger.Entries.Any(e => e.EventName == "GitHubAppRetryingAnswer") ? "retrying" : null, Ct, TimeSpan.FromSeconds(20));
        await time.WaitForTimersAsync();
    }

    /// <summary>Now without its fraction: <c>x-ratelimit-reset</c> names whole seconds, so the wait it asks for is whole too.</summary>
    private static DateTimeOffset WholeSecondNow() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
}
