using AgentConductor.Worker.Secrets;
using Octokit;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// The GitHub token the worker uses, for git (which reads <see cref="WorkerSecrets.GitHubToken"/> at each push) and for
/// Octokit (asked before every request): the environment's <c>GITHUB_TOKEN</c> at first, replaced by the conductor's
/// installation token when the handshake brings one. <see cref="WorkerSecrets"/> registers each token with the masker
/// before it is used or anything could log it.
/// </summary>
internal sealed class GitHubCredential(WorkerSecrets secrets) : ICredentialStore
{
    public bool HasToken => secrets.GitHubToken is not null;

    /// <summary>True when the token came from the conductor (minted for this job), which can hand out a fresh one.</summary>
    public bool FromConductor { get; private set; }

    /// <summary>When the conductor's token expires; null for a token from the environment.</summary>
    public DateTimeOffset? ExpiresAt { get; private set; }

    public void Use(string token, DateTimeOffset? expiresAt, bool fromConductor)
    {
        secrets.GitHubToken = token;
        (ExpiresAt, FromConductor) = (expiresAt, fromConductor);
    }

    public Task<Credentials> GetCredentials() =>
        Task.FromResult(secrets.GitHubToken is { } token ? new Credentials(token, AuthenticationType.Bearer) : Credentials.Anonymous);
}
