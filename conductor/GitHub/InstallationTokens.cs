using System.Net;
using AgentConductor.Conductor.Secrets;
using Microsoft.Extensions.Options;
using Octokit;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// <see cref="IInstallationTokens"/> on <see cref="GitHubAppClient"/>: finds the installation (unless
/// <see cref="GitHubAppOptions.InstallationId"/> names it), mints a token for the one repository, registers it as a
/// secret and logs that it did (never the token). GitHub's answers become <see cref="GitHubAppException"/>s that say
/// what to fix: 401 the App's id, key or clock; 404 an App not installed on the repository; 422 a repository or
/// permission the installation was not granted.
/// </summary>
internal sealed partial class InstallationTokens(
    GitHubAppClient client, IOptions<GitHubAppOptions> options, SecretRegistry secrets, ILogger<InstallationTokens> logger) : IInstallationTokens
{
    public async Task<InstallationToken> MintAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var installationId = settings.InstallationId ?? await CallAsync(
            () => client.FindInstallationAsync(repository, cancellationToken),
            status => status == HttpStatusCode.NotFound ? $"the GitHub App is not installed on {repository} (or the installation cannot see it): install the App on the repository" : null,
            $"looking up the GitHub App's installation on {repository}",
            cancellationToken);
        var permissions = string.Join(", ", settings.Permissions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value}"));
        var minted = await CallAsync(
            () => client.CreateTokenAsync(installationId, repository, settings.Permissions, cancellationToken),
            status => status switch
            {
                HttpStatusCode.NotFound => $"GitHub App installation {installationId} does not exist or belongs to another App: check GitHub:InstallationId",
                HttpStatusCode.UnprocessableEntity => $"GitHub refused a token for {repository} with {permissions} from installation {installationId}: the repository must be in the installation and the App must hold every permission in GitHub:Permissions",
                _ => null,
            },
            $"minting a token for {repository}",
            cancellationToken);

        secrets.Register(minted.Token, minted.ExpiresAt);
        Log.Minted(logger, repository, installationId, permissions, minted.ExpiresAt);
        return new InstallationToken(minted.Token, minted.ExpiresAt, repository, installationId);
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, Func<HttpStatusCode, string?> explain, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (ApiException ex)
        {
            throw Map(ex, explain(ex.StatusCode), what);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or OperationCanceledException)
        {
            throw new GitHubAppException($"GitHub could not be reached while {what} ({ex.GetType().Name}: {ex.Message})", retryable: true, innerException: ex);
        }
    }

    private static GitHubAppException Map(ApiException ex, string? explanation, string what)
    {
        var status = ex.StatusCode;
        var said = string.IsNullOrWhiteSpace(ex.ApiError?.Message) ? "" : $": {Quote(ex.ApiError.Message)}";
        var answer = $"GitHub answered {(int)status} while {what}{said}";
        if (ex is RateLimitExceededException or SecondaryRateLimitExceededException or AbuseException || (int)status is 429 or >= 500)
        {
            return new GitHubAppException($"{answer}; try again later", retryable: true, status, ex);
        }

        var fix = explanation ?? (status is HttpStatusCode.Unauthorized
            ? "GitHub refused the App's JWT: check GitHub:AppId, that the private key is the App's current one, and this host's clock"
            : "check the GitHub App's settings and installation");
        return new GitHubAppException($"{answer} ({fix})", retryable: false, status, ex);
    }

    private static string Quote(string text) => text.Length <= 300 ? text : string.Concat(text.AsSpan(0, 300), "…");

    private static partial class Log
    {
        [LoggerMessage(EventId = 482, EventName = "GitHubTokenMinted", Level = LogLevel.Information,
            Message = "Minted a GitHub token for {Repository} from installation {InstallationId} ({Permissions}), expiring at {ExpiresAt}")]
        public static partial void Minted(ILogger logger, RepositoryName repository, long installationId, string permissions, DateTimeOffset expiresAt);
    }
}
