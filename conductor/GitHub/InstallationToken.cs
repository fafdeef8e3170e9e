namespace AgentConductor.Conductor.GitHub;

/// <summary>A minted installation token; <see cref="ToString"/> leaves the token out.</summary>
internal sealed record InstallationToken(string Token, DateTimeOffset ExpiresAt, RepositoryName Repository, long InstallationId)
{
    public override string ToString() => $"InstallationToken {{ Repository = {Repository}, InstallationId = {InstallationId}, ExpiresAt = {ExpiresAt:O} }}";
}
