namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// Secrets a part of the conductor holds from its settings, read once when <see cref="SecretRegistry"/> is first used.
/// A part with secrets of its own (webhook signing secrets, the Jira API token...) registers a source with
/// <see cref="SecretsServiceCollectionExtensions.AddSecretSource{TSource}"/>; a secret acquired later (a minted token)
/// goes to <see cref="SecretRegistry.Register"/> before anything that could carry it is written.
/// </summary>
internal interface ISecretSource
{
    /// <summary>The values to mask; null and empty entries are skipped.</summary>
    IEnumerable<string?> Values();
}
