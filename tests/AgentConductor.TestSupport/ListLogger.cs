using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport;

/// <summary>A logger that keeps every entry, so tests can assert on event names and on what never got logged.</summary>
public sealed class ListLogger<T> : ILogger<T>
{
    public ConcurrentQueue<(LogLevel Level, string EventName, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Enqueue((logLevel, eventId.Name ?? "", formatter(state, exception)));

    public int Count(string eventName) => Entries.Count(e => e.EventName == eventName);
}
