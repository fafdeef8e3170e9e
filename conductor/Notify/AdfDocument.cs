using System.Text;
using System.Text.Json.Nodes;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Builds an Atlassian Document Format body: paragraphs of text nodes, some with a strong or link mark. Every piece of text,
/// however hostile (ticket summaries, failure reasons, agent output), becomes the value of a text node: ADF has no markup
/// inside text, and the JSON serializer escapes it, so nothing in it is interpreted. Control characters become spaces, long
/// text is cut, and empty text is left out (ADF refuses empty text nodes).
/// </summary>
internal sealed class AdfDocument
{
    public const int MaxTextLength = 2000;

    private readonly JsonArray _paragraphs = [];

    public AdfDocument Paragraph(params AdfInline[] inlines)
    {
        var content = new JsonArray();
        foreach (var inline in inlines)
        {
            var text = Clean(inline.Text);
            if (text.Length == 0)
            {
                continue;
            }

            var node = new JsonObject { ["type"] = "text", ["text"] = text };
            var marks = new JsonArray();
            if (inline.Strong)
            {
                marks.Add(new JsonObject { ["type"] = "strong" });
            }

            if (inline.Href is { } href)
            {
                marks.Add(new JsonObject { ["type"] = "link", ["attrs"] = new JsonObject { ["href"] = href } });
            }

            if (marks.Count > 0)
            {
                node["marks"] = marks;
            }

            content.Add(node);
        }

        if (content.Count > 0)
        {
            _paragraphs.Add(new JsonObject { ["type"] = "paragraph", ["content"] = content });
        }

        return this;
    }

    public JsonObject ToJson() => new() { ["type"] = "doc", ["version"] = 1, ["content"] = _paragraphs.DeepClone() };

    /// <summary>Every text node's text, in order (for finding a marker in a comment Jira returns).</summary>
    public static IEnumerable<string> Texts(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && (string?)obj["type"] == "text"
                    && obj["text"] is JsonValue text && text.TryGetValue<string>(out var value))
                {
                    yield return value;
                }

                foreach (var inner in Texts(obj["content"]))
                {
                    yield return inner;
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var inner in Texts(item))
                    {
                        yield return inner;
                    }
                }

                break;
        }
    }

    private static string Clean(string text)
    {
        var clean = new StringBuilder(Math.Min(text.Length, MaxTextLength + 1));
        foreach (var rune in text.EnumerateRunes())
        {
            if (clean.Length >= MaxTextLength)
            {
                clean.Append('…');
                break;
            }

            clean.Append(Rune.IsControl(rune) || rune.Value is 0x2028 or 0x2029 ? " " : rune.ToString());
        }

        return clean.ToString();
    }
}
