using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.Jira;

/// <summary>
/// A strict check of an Atlassian Document Format body, for the subset a comment from the conductor may use: a
/// <c>doc</c> (version 1) of paragraphs holding <c>text</c> (non-empty, no control characters) and <c>hardBreak</c>
/// nodes; marks <c>strong</c>, <c>em</c>, <c>code</c> and <c>link</c> (an absolute http(s) <c>href</c>). Any other node,
/// mark or property is a problem, as an unknown one is to Jira's validator.
/// </summary>
public static class AdfCheck
{
    /// <summary>Null when the document is valid, else the first problem found.</summary>
    public static string? Problem(JsonNode? document)
    {
        if (document is not JsonObject doc)
        {
            return "the body is not an ADF object";
        }

        if (Keys(doc, "type", "version", "content") is { } keys)
        {
            return $"doc: {keys}";
        }

        if ((string?)doc["type"] != "doc" || doc["version"]?.GetValueKind() != JsonValueKind.Number || (int)doc["version"]! != 1)
        {
            return "the root must be {\"type\":\"doc\",\"version\":1}";
        }

        if (doc["content"] is not JsonArray blocks || blocks.Count == 0)
        {
            return "doc.content must be a non-empty array";
        }

        foreach (var block in blocks)
        {
            if (Block(block) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Block(JsonNode? node)
    {
        if (node is not JsonObject block || (string?)block["type"] != "paragraph")
        {
            return $"block {node?.ToJsonString()} is not a paragraph";
        }

        if (Keys(block, "type", "content") is { } keys)
        {
            return $"paragraph: {keys}";
        }

        if (block["content"] is not JsonArray inlines)
        {
            return "paragraph.content must be an array";
        }

        foreach (var inline in inlines)
        {
            if (Inline(inline) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Inline(JsonNode? node)
    {
        if (node is not JsonObject inline)
        {
            return "an inline node is not an object";
        }

        switch ((string?)inline["type"])
        {
            case "hardBreak":
                return Keys(inline, "type") is { } breakKeys ? $"hardBreak: {breakKeys}" : null;
            case "text":
                if (Keys(inline, "type", "text", "marks") is { } keys)
                {
                    return $"text: {keys}";
                }

                if (inline["text"]?.GetValueKind() != JsonValueKind.String || ((string)inline["text"]!).Length == 0)
                {
                    return "text.text must be a non-empty string";
                }

                if (((string)inline["text"]!).Any(char.IsControl))
                {
                    return "text.text holds a control character";
                }

                return inline["marks"] is null ? null : Marks(inline["marks"]);
            default:
                return $"inline node type '{inline["type"]}' is not allowed here";
        }
    }

    private static string? Marks(JsonNode? node)
    {
        if (node is not JsonArray marks || marks.Count == 0)
        {
            return "text.marks must be a non-empty array when present";
        }

        foreach (var item in marks)
        {
            if (item is not JsonObject mark)
            {
                return "a mark is not an object";
            }

            switch ((string?)mark["type"])
            {
                case "strong" or "em" or "code":
                    if (Keys(mark, "type") is { } keys)
                    {
                        return $"mark: {keys}";
                    }

                    break;
                case "link":
                    if (Keys(mark, "type", "attrs") is { } linkKeys || mark["attrs"] is not JsonObject attrs || Keys(attrs, "href") is not null)
                    {
                        return "link: must be {\"type\":\"link\",\"attrs\":{\"href\":...}}";
                    }

                    if (attrs["href"]?.GetValueKind() != JsonValueKind.String
                        || !Uri.TryCreate((string)attrs["href"]!, UriKind.Absolute, out var href) || href.Scheme is not ("http" or "https"))
                    {
                        return $"link href {attrs["href"]?.ToJsonString()} is not an absolute http(s) URL";
                    }

                    break;
                default:
                    return $"mark type '{mark["type"]}' is not allowed here";
            }
        }

        return null;
    }

    /// <summary>A problem when <paramref name="node"/> has a property outside <paramref name="allowed"/>.</summary>
    private static string? Keys(JsonObject node, params string[] allowed) =>
        node.Select(p => p.Key).FirstOrDefault(k => !allowed.Contains(k, StringComparer.Ordinal)) is { } unknown ? $"unknown property '{unknown}'" : null;
}
