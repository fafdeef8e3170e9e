using AgentConductor.Worker.Git;
using AgentConductor.Worker.Secrets;
using Octokit;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// The GitHub token the worker uses, for git (through <see cref="GitOptions.Token"/>) and for Octokit (asked before every
/// request): the environment's <c>GITHUB_TOKEN</c> at first, replaced by the conductor's installation token when the
/// handshake brings one. Every token is registered with the masker before it is used or anything could log it.
/// </summary>
internal sealed class GitHubCredential(ISecretMasker masker, GitOptions git) : ICredentialStore
{
    private volatile string? _token;

    public bool HasToken => _token is not null;

    /// <summary>True when the token came from the conductor (minted for this job), which can hand out a fresh one.</summary>
    public bool FromConductor { get; private set; }

    /// <summary>When the conductor's token expires; null for a token from the environment.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    public void Use(string token, DateTimeOffset? expiresAt, bool fromConductor)
    {
        masker.AddValue(token);
        git.Token = token;
        (ExpiresAt, FromConductor) = (expiresAt, fromConductor);
        _token = token;
    }

    public Task<Credentials> GetCredentials() =>
        Task.FromResult(_token is { } token ? new Credentials(token, AuthenticationType.Bearer) : Credentials.Anonymous);
}
