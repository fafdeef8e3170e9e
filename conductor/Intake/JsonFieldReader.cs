using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;

namespace AgentConductor.Conductor.Intake;

/// <summary>
/// Reads typed fields out of one JSON object by dotted path (<c>fields.project.key</c>). A missing or null
/// field reads as absent; a field of the wrong type is rejected as <c>invalid_field</c> naming its full path.
/// Rejections are thrown as <see cref="MessageRejectedException"/> and caught by <see cref="MessageParser"/>.
/// </summary>
internal sealed class JsonFieldReader(JsonElement root, MessageFormat format, string pathPrefix = "")
{
    private const int MaxQuotedLength = 64;

    public MessageFormat Format => format;

    /// <summary>The path a rejection names: the reader's prefix (e.g. <c>issue</c>) joined to <paramref name="path"/>.</summary>
    public string FullPath(string path) => pathPrefix.Length == 0 ? path : $"{pathPrefix}.{path}";

    /// <summary>True when the field is present and not null; intermediate objects must be objects.</summary>
    public bool TryGetValue(string path, out JsonElement value)
    {
        var current = root;
        var end = -1;
        do
        {
            var start = end + 1;
            end = path.IndexOf('.', start);
            var name = end < 0 ? path[start..] : path[start..end];
            if (current.ValueKind != JsonValueKind.Object)
            {
                // Readers are only made over objects, so this is an intermediate segment (start > 0).
                throw InvalidType(path[..Math.Max(start - 1, 0)], "an object", current);
            }

            if (!current.TryGetProperty(name, out current) || current.ValueKind == JsonValueKind.Null)
            {
                value = default;
                return false;
            }
        }
        while (end >= 0);

        value = current;
        return true;
    }

    public string? OptionalString(string path)
    {
        if (!TryGetValue(path, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw InvalidType(path, "a string", value);
        }

        return TryGetText(value, out var text)
            ? text
            : throw Invalid(path, "must be valid Unicode text but holds an unpaired surrogate escape");
    }

    /// <summary>A string that must be present and not blank.</summary>
    public string RequiredString(string path)
    {
        var value = OptionalString(path) ?? throw Missing(path);
        return string.IsNullOrWhiteSpace(value) ? throw Invalid(path, "must not be empty") : value;
    }

    /// <summary>A reader over the object at <paramref name="path"/>, or null when it is absent.</summary>
    public JsonFieldReader? OptionalObject(string path)
    {
        if (!TryGetValue(path, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object
            ? new JsonFieldReader(value, format, FullPath(path))
            : throw InvalidType(path, "an object", value);
    }

    public JsonFieldReader RequiredObject(string path) => OptionalObject(path) ?? throw Missing(path);

    /// <summary>The elements of the array at <paramref name="path"/>; empty when it is absent.</summary>
    public IReadOnlyList<JsonElement> OptionalArray(string path)
    {
        if (!TryGetValue(path, out var value))
        {
            return [];
        }

        return value.ValueKind == JsonValueKind.Array
            ? [.. value.EnumerateArray()]
            : throw InvalidType(path, "an array", value);
    }

    public IReadOnlyList<string> OptionalStringArray(string path)
    {
        var items = OptionalArray(path);
        var strings = new List<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].ValueKind != JsonValueKind.String)
            {
                throw InvalidType($"{path}[{i}]", "a string", items[i]);
            }

            strings.Add(TryGetText(items[i], out var text)
                ? text
                : throw Invalid($"{path}[{i}]", "must be valid Unicode text but holds an unpaired surrogate escape"));
        }

        return strings;
    }

    /// <summary>A reader over the object at <c>path[index]</c>.</summary>
    public JsonFieldReader Element(string path, int index, JsonElement element) =>
        element.ValueKind == JsonValueKind.Object
            ? new JsonFieldReader(element, format, FullPath($"{path}[{index}]"))
            : throw InvalidType($"{path}[{index}]", "an object", element);

    /// <summary>An ISO 8601 or Jira-style timestamp string; null when absent.</summary>
    public DateTimeOffset? OptionalTimestamp(string path)
    {
        var text = OptionalString(path);
        if (text is null)
        {
            return null;
        }

        return IntakeTimestamps.TryParse(text, out var value)
            ? value
            : throw Invalid(path, $"must be an ISO 8601 timestamp but was {Quote(text)}");
    }

    public MessageRejectedException Missing(string path) =>
        Reject(RejectReasons.MissingField, $"The required field '{FullPath(path)}' is missing.");

    /// <summary>An <c>invalid_field</c> rejection; <paramref name="problem"/> completes "The field 'x' ...".</summary>
    public MessageRejectedException Invalid(string path, string problem) =>
        Reject(RejectReasons.InvalidField, $"The field '{FullPath(path)}' {problem}.");

    public MessageRejectedException Reject(string reason, string detail) =>
        new(new RejectedMessage(format, reason, detail));

    /// <summary>
    /// A value for a rejection detail: quoted, control characters escaped so the detail stays one line,
    /// and cut short so a hostile body cannot flood the store.
    /// </summary>
    public static string Quote(string value)
    {
        var quoted = new StringBuilder("'");
        foreach (var c in value.Length <= MaxQuotedLength ? value : value[..MaxQuotedLength])
        {
            if (char.IsControl(c))
            {
                quoted.Append($"\\u{(int)c:x4}");
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append(value.Length <= MaxQuotedLength ? "'" : "...'").ToString();
    }

    /// <summary>A JSON string's value; false for an escaped lone surrogate (<c>"\ud800"</c>), which GetString rejects.</summary>
    public static bool TryGetText(JsonElement value, [NotNullWhen(true)] out string? text)
    {
        try
        {
            text = value.GetString();
            return text is not null;
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private MessageRejectedException InvalidType(string path, string expected, JsonElement actual) =>
        Invalid(path, $"must be {expected} but was {Describe(actual)}");
}
