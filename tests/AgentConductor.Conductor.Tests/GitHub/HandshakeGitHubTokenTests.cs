using AgentConductor.Conductor.Tests.Secrets;
using Grpc.Core;
using AgentConductor.Proto.V1;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.GitHub;

/// <summary>
/// A conductor with a GitHub App mints a token at every handshake, scoped to the job's repository, and hands it to the
/// worker over the authenticated channel only: it is in no log, no table and no API answer. A repository the App cannot
/// reach fails the job with the reason; GitHub being down fails only the call, which the worker retries.
/// </summary>
public sealed class HandshakeGitHubTokenTests : IAsyncLifetime
{
    private GitHubAppRig _rig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _rig = await GitHubAppRig.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _rig.DisposeAsync();

    [Fact]
    public async Task Handshake_AppConfigured_SpecCarriesATokenForTheJobsRepositoryStoredAndLoggedNowhere()
    {
        await using var host = await ConductorHost.StartAsync(_rig.Settings(), cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-412", cancellationToken: Ct);

        var first = (await Handshake(host, jobId, token)).Job.GithubToken;
        var second = (await Handshake(host, jobId, token)).Job.GithubToken;

        _rig.Server.AssertNoFailures();
        Assert.Equal("connected", host.State(jobId));
        Assert.Equal(2, _rig.App.Tokens.Count);
        Assert.NotEqual(first.Token, second.Token);
        foreach (var (handed, minted) in new[] { first, second }.Zip(_rig.App.Tokens))
        {
            Assert.Equal((minted.Token, "acme/app"), (handed.Token, handed.Repository));
            Assert.Equal(minted.ExpiresAt.ToUnixTimeSeconds(), handed.ExpiresAt.ToDateTimeOffset().ToUnixTimeSeconds());
            Assert.Equal(["acme/app"], minted.Repositories);
            Assert.Equal(new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write" }, minted.Permissions);
        }

        Assert.Equal(2, host.Logs.Entries.Count(e => e.EventName == "GitHubTokenMinted"));
        var view = await host.Http.GetStringAsync($"/v1/jobs/{jobId}", Ct);
        var stored = StoredText.Of(host);
        foreach (var secret in new[] { first.Token, second.Token }.Concat(_rig.App.AcceptedJwts))
        {
            Assert.DoesNotContain(secret, host.Logs.AllText, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, view, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Handshake_NoApp_SpecCarriesNoToken()
    {
        await using var host = await ConductorHost.StartAsync(cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-1", cancellationToken: Ct);

        var spec = (await Handshake(host, jobId, token)).Job;

        Assert.Null(spec.GithubToken);
        Assert.Empty(_rig.Server.Requests);
    }

    [Fact]
    public async Task Handshake_AppNotInstalledOnTheRepository_JobFailsWithTheReasonAndTheCallWithFailedPrecondition()
    {
        await using var host = await ConductorHost.StartAsync(
            _rig.Settings("--Routing:Default:CloneUrl=https://github.example/acme/payments.git"), cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-2", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => Handshake(host, jobId, token));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("the GitHub App is not installed on acme/payments", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("failed", host.State(jobId));
        var reason = (string)host.Scalar("SELECT reason FROM job_events WHERE job_id = @id AND to_state = 'failed'", ("@id", jobId))!;
        Assert.StartsWith("no GitHub token: GitHub answered 404 while looking up the GitHub App's installation on acme/payments", reason, StringComparison.Ordinal);
        Assert.Contains(reason, await host.Http.GetStringAsync($"/v1/jobs/{jobId}", Ct), StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventName == "GitHubTokenRefused" && e.Level == Microsoft.Extensions.Logging.LogLevel.Error);
        Assert.Empty(_rig.App.Tokens);
    }

    [Fact]
    public async Task Handshake_CloneUrlNamingNoGitHubRepository_JobFailsSayingSo()
    {
        await using var host = await ConductorHost.StartAsync(_rig.Settings("--Routing:Default:CloneUrl=file:///srv/git/app.git"), cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-3", cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<RpcException>(() => Handshake(host, jobId, token));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("names no GitHub repository", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("failed", host.State(jobId));
        Assert.Empty(_rig.Server.Requests);
    }

    [Fact]
    public async Task Handshake_GitHubDown_UnavailableAndTheJobStaysLaunchedUntilARetrySucceeds()
    {
        await using var host = await ConductorHost.StartAsync(_rig.Settings("--GitHub:MaxRetries=0"), cancellationToken: Ct);
        var (jobId, token) = await host.LaunchTicketAsync("PAY-5", cancellationToken: Ct);
        _rig.Server.FailNext(1, 502);

        var error = await Assert.ThrowsAsync<RpcException>(() => Handshake(host, jobId, token));
        var stateAfterFailure = host.State(jobId);
        var retried = await Handshake(host, jobId, token);

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("GitHub answered 502", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("launched", stateAfterFailure);
        Assert.Equal(Assert.Single(_rig.App.Tokens).Token, retried.Job.GithubToken.Token);
        Assert.Equal("connected", host.State(jobId));
    }

    private static Task<HandshakeResponse> Handshake(ConductorHost host, string jobId, string token) =>
        host.Worker.HandshakeAsync(new HandshakeRequest { JobId = jobId, WorkerVersion = "1.0.0" }, ConductorHost.Bearer(token).WithCancellationToken(Ct)).ResponseAsync;
}
