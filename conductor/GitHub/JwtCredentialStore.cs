using Octokit;

namespace AgentConductor.Conductor.GitHub;

/// <summary>Octokit asks its credential store before every request: the App's current JWT, as a bearer token.</summary>
internal sealed class JwtCredentialStore(GitHubAppJwt jwt) : ICredentialStore
{
    public Task<Credentials> GetCredentials() => Task.FromResult(new Credentials(jwt.Current(), AuthenticationType.Bearer));
}
