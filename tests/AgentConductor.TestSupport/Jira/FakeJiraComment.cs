using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.Jira;

/// <summary>A comment stored on a fake issue: its id, its ADF body as posted, and when it was created.</summary>
public sealed record FakeJiraComment(string Id, JsonObject Body, DateTimeOffset Created)
{
    /// <summary>The text of every text node, concatenated in order (paragraphs separated by a newline).</summary>
    public string Text => string.Join(
        "\n",
        (Body["content"] as JsonArray ?? []).Select(p => string.Concat((p?["content"] as JsonArray ?? []).Select(n => (string?)n?["text"] ?? ""))));

    /// <summary>The href of every link mark, in order.</summary>
    public IReadOnlyList<string> Links =>
    [
        .. (Body["content"] as JsonArray ?? []).SelectMany(p => p?["content"] as JsonArray ?? [])
            .SelectMany(n => n?["marks"] as JsonArray ?? [])
            .Where(m => (string?)m?["type"] == "link")
            .Select(m => (string)m!["attrs"]!["href"]!),
    ];
}
