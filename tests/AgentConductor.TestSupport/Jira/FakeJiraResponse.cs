using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.Jira;

/// <summary>A scripted answer the fake gives instead of handling the next request (after its strict checks).</summary>
public sealed record FakeJiraResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public static FakeJiraResponse Error(int status, string message, params (string Name, string Value)[] headers) => new(
        status,
        new JsonObject { ["errorMessages"] = new JsonArray(message), ["errors"] = new JsonObject() }.ToJsonString(),
        headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));
}
