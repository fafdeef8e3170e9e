using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>Keeps every log entry (event name and formatted message) for assertions.</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(string EventName, LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => Entries.Enqueue((eventId.Name ?? string.Empty, logLevel, formatter(state, exception)));

    public int Count(string eventName) => Entries.Count(e => e.EventName == eventName);
}
