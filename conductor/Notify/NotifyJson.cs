using System.Text.Json;

namespace AgentConductor.Conductor.Notify;

internal static class NotifyJson
{
    /// <summary>camelCase, every property written (null included), the default (HTML-safe) escaping.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static string Serialize(NotifyEvent notifyEvent) => JsonSerializer.Serialize(notifyEvent, Options);

    public static NotifyEvent Deserialize(string body) =>
        JsonSerializer.Deserialize<NotifyEvent>(body, Options) ?? throw new JsonException("The stored event document is null.");
}
