namespace AgentConductor.Worker.Secrets;

/// <summary>
/// Hides registered secret values in text before it leaves the worker (logs, progress, results).
/// Secrets are registered as soon as they are known, before any line that could carry them is written.
/// </summary>
internal interface ISecretMasker
{
    /// <summary>Registers a secret; from now on <see cref="Mask"/> hides it and its encoded forms.</summary>
    void AddValue(string value);

    /// <summary>Returns <paramref name="line"/> with every registered secret replaced by <c>***</c>.</summary>
    string Mask(string line);
}
