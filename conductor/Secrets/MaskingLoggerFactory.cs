namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// Wraps the host's <see cref="ILoggerFactory"/> so every logger masks its entries with <see cref="SecretRegistry"/>
/// before any provider (console, OpenTelemetry, a test's capture) sees them. The inner factory still applies the
/// filters per provider, so <c>Logging:Console:LogLevel</c> and the like keep working.
/// </summary>
internal sealed class MaskingLoggerFactory(ILoggerFactory inner, Lazy<SecretRegistry> secrets) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new MaskingLogger(inner.CreateLogger(categoryName), secrets);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();
}
