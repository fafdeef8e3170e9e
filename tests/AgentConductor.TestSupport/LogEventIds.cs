using System.Reflection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport;

/// <summary>The <c>[LoggerMessage]</c> events an assembly declares, to hold each id and name to one meaning.</summary>
public static class LogEventIds
{
    /// <summary>"id name (Type.Method)" for every event id or name declared more than once in <paramref name="assembly"/>.</summary>
    public static IReadOnlyList<string> Reused(Assembly assembly)
    {
        var events = assembly.GetTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(method => (Method: method, Attribute: method.GetCustomAttribute<LoggerMessageAttribute>()))
            .Where(e => e.Attribute is not null)
            .Select(e => (e.Attribute!.EventId, Name: e.Attribute.EventName ?? e.Method.Name, Where: $"{e.Method.DeclaringType?.Name}.{e.Method.Name}"))
            .ToList();
        if (events.Count == 0)
        {
            throw new InvalidOperationException($"{assembly.GetName().Name} declares no [LoggerMessage] method: the check would prove nothing.");
        }

        return events.GroupBy(e => e.EventId).Where(g => g.Count() > 1).SelectMany(g => g)
            .Concat(events.GroupBy(e => e.Name).Where(g => g.Count() > 1).SelectMany(g => g))
            .Select(e => $"{e.EventId} {e.Name} ({e.Where})")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
