using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AgentConductor.Conductor.GitHub;
using AgentConductor.TestSupport.FakeGitHub;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.GitHub;

/// <summary>The fake GitHub's App side is strict the way GitHub is: JWT checks, scoped minting, and each token held to its scope.</summary>
public sealed class FakeGitHubAppTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly HttpClient _http = new();
    private GitHubAppRig _rig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _rig = await GitHubAppRig.StartAsync(_time, granted: new Dictionary<string, string> { ["contents"] = "write", ["pull_requests"] = "write" }, cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _rig.DisposeAsync();
    }

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(-11, 0, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.")]
    [InlineData(2, 0, "'Issued at' claim ('iat') must be an Integer representing a time in the past.")]
    [InlineData(0, 2, "'Expiration time' claim ('exp') is too far in the future.")]
    public async Task Installation_JwtTimes_CheckedOnGitHubsClock(int issuedMinutesFromNow, int extraLifetimeMinutes, string? refusal)
    {
        var jwt = Jwt(_rig.Key, GitHubAppRig.AppId, _time.GetUtcNow().AddMinutes(issuedMinutesFromNow), extraLifetimeMinutes);

        var (status, body) = await SendAsync(HttpMethod.Get, "repos/acme/app/installation", jwt);

        Assert.Equal(refusal is null ? HttpStatusCode.OK : HttpStatusCode.Unauthorized, status);
        using var answer = System.Text.Json.JsonDocument.Parse(body);
        if (refusal is null)
        {
            Assert.Equal(_rig.InstallationId, answer.RootElement.GetProperty("id").GetInt64());
        }
        else
        {
            Assert.Equal(refusal, answer.RootElement.GetProperty("message").GetString());
        }

        _rig.Server.AssertNoFailures();
    }

    [Fact]
    public async Task Installation_JwtSignedByAnotherKeyOrForAnotherApp_Refused401()
    {
        using var other = FakeGitHubApp.CreateKey();

        var (wrongKey, wrongKeyBody) = await SendAsync(HttpMethod.Get, "repos/acme/app/installation", Jwt(other, GitHubAppRig.AppId, _time.GetUtcNow()));
        var (wrongApp, wrongAppBody) = await SendAsync(HttpMethod.Get, "repos/acme/app/installation", Jwt(_rig.Key, "999", _time.GetUtcNow()));
        var (garbage, _) = await SendAsync(HttpMethod.Get, "repos/acme/app/installation", "not.a.jwt");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrongKey, wrongApp, garbage));
        Assert.Equal("A JSON web token could not be decoded", Message(wrongKeyBody));
        Assert.Equal("Integration not found", Message(wrongAppBody));
        Assert.Empty(_rig.App.AcceptedJwts);
    }

    [Fact]
    public async Task Installation_RepositoryTheAppIsNotInstalledOn_NotFound()
    {
        var (status, _) = await SendAsync(HttpMethod.Get, "repos/acme/payments/installation", Jwt(_rig.Key, GitHubAppRig.AppId, _time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task AccessTokens_InstallationTokenInsteadOfTheJwt_Refused401()
    {
        var token = await MintAsync("""{"repositories":["app"]}""");

        var (status, _) = await SendAsync(HttpMethod.Post, $"app/installations/{_rig.InstallationId}/access_tokens", token, "{}");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task AccessTokens_FieldGitHubDoesNotTake_StrictFailure()
    {
        var (status, _) = await SendAsync(
            HttpMethod.Post, $"app/installations/{_rig.InstallationId}/access_tokens", Jwt(_rig.Key, GitHubAppRig.AppId, _time.GetUtcNow()), """{"repos":["app"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unexpected field 'repos'", Assert.Single(_rig.Server.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PullRequests_TokenForAnotherRepository_NotFound()
    {
        var token = await MintAsync("""{"repositories":["api"],"permissions":{"pull_requests":"write"}}""");

        var (other, _) = await SendAsync(HttpMethod.Get, "repos/acme/app/pulls?head=acme:x", token);
        var (own, _) = await SendAsync(HttpMethod.Get, "repos/acme/api/pulls?head=acme:x", token);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.OK), (other, own));
        _rig.Server.AssertNoFailures();
    }

    [Fact]
    public async Task PullRequests_TokenWithReadOnly_CanListButNotCreate()
    {
        var token = await MintAsync("""{"repositories":["app"],"permissions":{"pull_requests":"read","contents":"read"}}""");

        var (list, _) = await SendAsync(HttpMethod.Get, "repos/acme/app/pulls?head=acme:x", token);
        var (create, body) = await SendAsync(HttpMethod.Post, "repos/acme/app/pulls", token, """{"title":"t","head":"x","base":"main"}""");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden), (list, create));
        Assert.Equal("Resource not accessible by integration", Message(body));
        Assert.Empty(_rig.Server.PullRequests);
    }

    [Fact]
    public async Task PullRequests_ExpiredOrUnknownToken_Refused401()
    {
        var token = await MintAsync("""{"repositories":["app"]}""");
        _time.Advance(TimeSpan.FromMinutes(61));

        var (expired, _) = await SendAsync(HttpMethod.Get, "repos/acme/app/pulls?head=acme:x", token);
        var (unknown, _) = await SendAsync(HttpMethod.Get, "repos/acme/app/pulls?head=acme:x", "ghs_" + new string('x', 36));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (expired, unknown));
    }

    [Fact]
    public async Task AccessTokens_PermissionBeyondTheGrant_Refused422AndNothingMinted()
    {
        var (status, body) = await SendAsync(
            HttpMethod.Post,
            $"app/installations/{_rig.InstallationId}/access_tokens",
            Jwt(_rig.Key, GitHubAppRig.AppId, _time.GetUtcNow()),
            """{"repositories":["app"],"permissions":{"administration":"write"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("The permissions requested are not granted to this installation.", Message(body));
        Assert.Empty(_rig.App.Tokens);
    }

    private static string? Message(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("message").GetString();
    }

    private async Task<string> MintAsync(string body)
    {
        var (status, answer) = await SendAsync(
            HttpMethod.Post, $"app/installations/{_rig.InstallationId}/access_tokens", Jwt(_rig.Key, GitHubAppRig.AppId, _time.GetUtcNow()), body);
        Assert.Equal(HttpStatusCode.Created, status);
        using var json = System.Text.Json.JsonDocument.Parse(answer);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    /// <summary>A JWT as the conductor makes it, issued at <paramref name="issuedAt"/>, with extra minutes of life.</summary>
    private static string Jwt(System.Security.Cryptography.RSA key, string appId, DateTimeOffset issuedAt, int extraLifetimeMinutes = 0)
    {
        var jwt = GitHubAppJwt.Create(appId, key, issuedAt);
        if (extraLifetimeMinutes == 0)
        {
            return jwt;
        }

        // Re-sign a payload whose exp lies further out than the conductor would ever put it.
        var iat = (issuedAt - GitHubAppJwt.Backdate).ToUnixTimeSeconds();
        var exp = (issuedAt + GitHubAppJwt.Lifetime + TimeSpan.FromMinutes(extraLifetimeMinutes)).ToUnixTimeSeconds();
        var signed = System.Buffers.Text.Base64Url.EncodeToString("""{"alg":"RS256","typ":"JWT"}"""u8)
            + "." + System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"iat\":{iat},\"exp\":{exp},\"iss\":{appId}}}")));
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        return signed + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
    }

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string bearer, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_rig.Server.BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        request.Headers.Accept.ParseAdd("application/vnd.github+json");
        request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
        request.Headers.UserAgent.ParseAdd("fake-github-tests");
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }
}
