namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// Masks one entry: its message, its structured values (what a JSON or OpenTelemetry exporter writes) and its exception
/// text. An entry with nothing to mask reaches the inner logger unchanged, state and exception included.
/// </summary>
internal sealed class MaskingLogger(ILogger inner, Lazy<SecretRegistry> registry) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!inner.IsEnabled(logLevel))
        {
            return;
        }

        var secrets = registry.Value;
        var message = formatter(state, exception);
        var maskedMessage = secrets.Mask(message);
        var maskedException = exception is null ? null : MaskedException.From(exception, secrets);
        var values = MaskedLogState.Values(state, secrets);
        if (maskedMessage == message && ReferenceEquals(maskedException, exception) && values is null)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        var masked = new MaskedLogState(maskedMessage, values ?? MaskedLogState.Copy(state));
        inner.Log(logLevel, eventId, masked, maskedException, static (s, _) => s.ToString());
    }
}
