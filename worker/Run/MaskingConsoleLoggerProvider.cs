using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Run;

/// <summary>
/// The worker's only log sink: one line per entry on stderr, every line through the secret masker first, so a token
/// that reaches a message by accident still never reaches the container log.
/// </summary>
internal sealed class MaskingConsoleLoggerProvider(ISecretMasker masker, TimeProvider time, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _write = new();

    public LogLevel Minimum => minimum;

    public ILogger CreateLogger(string categoryName) => new MaskingLogger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, string message, Exception? exception)
    {
        var line = masker.Mask($"{time.GetUtcNow():HH:mm:ss.fff} {Short(level)} {category}: {message}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
        lock (_write)
        {
            Console.Error.WriteLine(line);
        }
    }

    private static string Short(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class MaskingLogger(MaskingConsoleLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
