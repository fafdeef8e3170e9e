namespace AgentConductor.Conductor.GitHub;

/// <summary>Mints the GitHub App's installation tokens, one per call, never cached.</summary>
internal interface IInstallationTokens
{
    /// <summary>
    /// A token that reaches only <paramref name="repository"/>, with the configured permissions; registered as a secret
    /// before it is returned. Failures are <see cref="GitHubAppException"/>.
    /// </summary>
    Task<InstallationToken> MintAsync(RepositoryName repository, CancellationToken cancellationToken);
}
