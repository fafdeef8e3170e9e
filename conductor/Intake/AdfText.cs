using System.Text;
using System.Text.Json;

namespace AgentConductor.Conductor.Intake;

/// <summary>
/// Flattens an Atlassian Document Format (Jira v3) document to readable plain text: blocks separated by
/// blank lines, lists as <c>- item</c> / <c>1. item</c> with nested lists indented, code blocks fenced,
/// quotes prefixed with <c>&gt; </c>. Unknown nodes are walked for their content; nothing here throws.
/// </summary>
internal static class AdfText
{
    public static string Flatten(JsonElement document)
    {
        var blocks = new List<string>();
        AppendBlocks(document, blocks);
        return string.Join("\n\n", blocks);
    }

    // Walks a node's children as blocks; runs of inline nodes between blocks become one paragraph.
    private static void AppendBlocks(JsonElement node, List<string> blocks)
    {
        var inline = new StringBuilder();
        foreach (var child in Children(node))
        {
            if (IsInline(TypeOf(child)))
            {
                AppendInline(child, inline);
                continue;
            }

            AddParagraph(inline.ToString(), blocks);
            inline.Clear();
            AppendBlock(child, blocks);
        }

        AddParagraph(inline.ToString(), blocks);
    }

    private static void AppendBlock(JsonElement node, List<string> blocks)
    {
        switch (TypeOf(node))
        {
            case "paragraph" or "heading":
                AddParagraph(InlineText(node), blocks);
                break;
            case "bulletList":
                AddNonEmpty(List(node, ordered: false), blocks);
                break;
            case "orderedList":
                AddNonEmpty(List(node, ordered: true), blocks);
                break;
            case "codeBlock":
                var language = StringAttr(node, "language") ?? string.Empty;
                blocks.Add($"```{language}\n{InlineText(node)}\n```");
                break;
            case "blockquote":
                AddNonEmpty(Prefix(Joined(node, "\n\n"), "> "), blocks);
                break;
            case "rule":
                blocks.Add("---");
                break;
            default:
                AppendBlocks(node, blocks);
                break;
        }
    }

    private static string List(JsonElement list, bool ordered)
    {
        var number = ordered && TryGetAttr(list, "order", out var order) && order.TryGetInt32(out var start) && start >= 0
            ? start
            : 1;
        var items = new List<string>();
        foreach (var item in Children(list))
        {
            var marker = ordered ? $"{number++}. " : "- ";
            var text = Joined(item, "\n");
            var indent = new string(' ', marker.Length);
            var lines = text.Split('\n');
            items.Add(marker.TrimEnd() + (lines[0].Length > 0 ? " " + lines[0] : string.Empty));
            items.AddRange(lines.Skip(1).Select(line => line.Length > 0 ? indent + line : line));
        }

        return string.Join("\n", items);
    }

    private static string Joined(JsonElement node, string separator)
    {
        var blocks = new List<string>();
        AppendBlocks(node, blocks);
        return string.Join(separator, blocks);
    }

    private static string InlineText(JsonElement node)
    {
        var text = new StringBuilder();
        foreach (var child in Children(node))
        {
            AppendInline(child, text);
        }

        return text.ToString();
    }

    private static void AppendInline(JsonElement node, StringBuilder text)
    {
        switch (TypeOf(node))
        {
            case "text":
                text.Append(StringProperty(node, "text"));
                break;
            case "hardBreak":
                text.Append('\n');
                break;
            case "mention" or "emoji":
                text.Append(StringAttr(node, "text") ?? StringAttr(node, "shortName"));
                break;
            case "inlineCard":
                text.Append(StringAttr(node, "url"));
                break;
            default:
                foreach (var child in Children(node))
                {
                    AppendInline(child, text);
                }

                break;
        }
    }

    private static bool IsInline(string? type) => type is "text" or "hardBreak" or "mention" or "emoji" or "inlineCard";

    private static void AddParagraph(string text, List<string> blocks) => AddNonEmpty(text.Trim('\n'), blocks);

    private static void AddNonEmpty(string text, List<string> blocks)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            blocks.Add(text);
        }
    }

    private static string Prefix(string text, string prefix) =>
        string.Join("\n", text.Split('\n').Select(line => line.Length > 0 ? prefix + line : prefix.TrimEnd()));

    private static IEnumerable<JsonElement> Children(JsonElement node) =>
        node.ValueKind == JsonValueKind.Object
        && node.TryGetProperty("content", out var content)
        && content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Where(child => child.ValueKind == JsonValueKind.Object)
            : [];

    private static string? TypeOf(JsonElement node) => StringProperty(node, "type");

    private static string? StringAttr(JsonElement node, string name) =>
        node.TryGetProperty("attrs", out var attrs) && attrs.ValueKind == JsonValueKind.Object
            ? StringProperty(attrs, name)
            : null;

    // Non-strings and unreadable strings (escaped lone surrogates) read as absent.
    private static string? StringProperty(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value)
        && value.ValueKind == JsonValueKind.String
        && JsonFieldReader.TryGetText(value, out var text)
            ? text
            : null;

    private static bool TryGetAttr(JsonElement node, string name, out JsonElement value)
    {
        value = default;
        return node.TryGetProperty("attrs", out var attrs)
            && attrs.ValueKind == JsonValueKind.Object
            && attrs.TryGetProperty(name, out value);
    }
}
