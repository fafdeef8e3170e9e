using System.Text.Json;
using AgentConductor.Common;
using Octokit;
using Octokit.Internal;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// The App's two GitHub calls on Octokit's <see cref="IConnection"/>, built on a <see cref="Connection"/> with
/// <see cref="GitHubAppOptions.ApiUrl"/> as given and <see cref="GitHubAppHttpHandler"/> under its adapter, signed with the
/// App's JWT. Octokit's typed <c>CreateInstallationToken</c> sends no body, so it cannot scope a token: the documented
/// body (<c>repositories</c>, <c>permissions</c>) goes through the connection instead. Errors leave as Octokit's.
/// </summary>
internal sealed class GitHubAppClient : IDisposable
{
    private const string Accept = "application/vnd.github+json";
    private static readonly Dictionary<string, string> NoParameters = [];

    private readonly HttpClientAdapter _adapter;
    private readonly Connection _connection;

    /// <param name="transport">What sends the requests; a fresh <see cref="SocketsHttpHandler"/> when null.</param>
    public GitHubAppClient(
        GitHubAppOptions options, GitHubAppJwt jwt, TimeProvider time, ILogger<GitHubAppHttpHandler> logger, HttpMessageHandler? transport = null, Backoff? backoff = null)
    {
        var handler = new GitHubAppHttpHandler(options, time, logger, backoff) { InnerHandler = transport ?? new SocketsHttpHandler() };
        _adapter = new HttpClientAdapter(() => handler);
        _adapter.SetRequestTimeout(Timeout.InfiniteTimeSpan); // the handler times each attempt instead, on the injected clock
        _connection = new Connection(
            new ProductHeaderValue(options.UserAgent), ApiBase(options.ApiUrl), new JwtCredentialStore(jwt), _adapter, new SimpleJsonSerializer());
    }

    /// <summary><c>GET /repos/{owner}/{repo}/installation</c>: the App's installation that covers the repository.</summary>
    public async Task<long> FindInstallationAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        var uri = new Uri($"repos/{Uri.EscapeDataString(repository.Owner)}/{Uri.EscapeDataString(repository.Name)}/installation", UriKind.Relative);
        var response = await _connection.Get<Installation>(uri, NoParameters, Accept, cancellationToken);
        return response.Body?.Id ?? throw new ApiException("GitHub answered the installation lookup without an installation.", response.HttpResponse.StatusCode);
    }

    /// <summary><c>POST /app/installations/{id}/access_tokens</c> for one repository and the given permissions.</summary>
    public async Task<AccessToken> CreateTokenAsync(
        long installationId, RepositoryName repository, IReadOnlyDictionary<string, string> permissions, CancellationToken cancellationToken)
    {
        var uri = new Uri($"app/installations/{installationId}/access_tokens", UriKind.Relative);
        var body = JsonSerializer.Serialize(new TokenRequest([repository.Name], permissions.ToDictionary(p => p.Key.ToLowerInvariant(), p => p.Value, StringComparer.Ordinal)));
        var response = await _connection.Post<AccessToken>(uri, body, Accept, "application/json", cancellationToken);
        return response.Body is { Token.Length: > 0 } token
            ? token
            : throw new ApiException("GitHub answered the token request without a token.", response.HttpResponse.StatusCode);
    }

    public void Dispose() => _adapter.Dispose();

    /// <summary>The API root with a trailing slash: Octokit resolves relative paths against it, and without it <c>/api/v3</c> would lose its <c>v3</c>.</summary>
    private static Uri ApiBase(Uri apiUrl)
    {
        var text = apiUrl.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    private sealed record TokenRequest(
        [property: System.Text.Json.Serialization.JsonPropertyName("repositories")] IReadOnlyList<string> Repositories,
        [property: System.Text.Json.Serialization.JsonPropertyName("permissions")] IReadOnlyDictionary<string, string> Permissions);
}
