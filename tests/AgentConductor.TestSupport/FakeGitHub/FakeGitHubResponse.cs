namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>A scripted answer the fake gives instead of handling the next request.</summary>
public sealed record FakeGitHubResponse(int Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public static FakeGitHubResponse Create(int status, string message, params (string Name, string Value)[] headers) =>
        new(status, System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message }),
            headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase));
}
