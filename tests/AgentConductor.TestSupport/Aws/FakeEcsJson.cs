using System.Text.Json;

namespace AgentConductor.TestSupport.Aws;

/// <summary>An error the fake ECS answers with, as ECS would (<c>InvalidParameterException</c>, <c>ClientException</c> ...).</summary>
internal sealed class FakeEcsError(string code, string message) : Exception(message)
{
    public string Code => code;
}

/// <summary>Strict reading of request JSON: unknown fields, wrong types and missing required fields are errors.</summary>
internal static class FakeEcsJson
{
    public static void OnlyFields(JsonElement obj, string where, params string[] allowed)
    {
        foreach (var property in obj.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new FakeEcsError("SerializationException", $"{where}: unknown field '{property.Name}' (expected one of {string.Join(", ", allowed)})");
            }
        }
    }

    public static JsonElement ObjectAt(JsonElement element, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FakeEcsError("SerializationException", $"{where} must be an object, not {element.ValueKind}");
        }

        return element;
    }

    public static JsonElement? Object(JsonElement obj, string name, string where) =>
        Get(obj, name) is { } value ? ObjectAt(value, $"{where}.{name}") : null;

    public static string? String(JsonElement obj, string name, string where, bool required = false, int max = int.MaxValue)
    {
        if (Get(obj, name) is not { } value)
        {
            return required ? throw new FakeEcsError("InvalidParameterException", $"{where}.{name} is required") : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FakeEcsError("SerializationException", $"{where}.{name} must be a string, not {value.ValueKind}");
        }

        var text = value.GetString()!;
        if (text.Length > max)
        {
            throw new FakeEcsError("InvalidParameterException", $"{where}.{name} is {text.Length} characters; at most {max} are allowed");
        }

        return text;
    }

    public static int? Int(JsonElement obj, string name, string where, int min, int max)
    {
        if (Get(obj, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            throw new FakeEcsError("SerializationException", $"{where}.{name} must be an integer, not {value.GetRawText()}");
        }

        return number < min || number > max
            ? throw new FakeEcsError("InvalidParameterException", $"{where}.{name} must be between {min} and {max} (got {number})")
            : number;
    }

    public static bool? Bool(JsonElement obj, string name, string where) => Get(obj, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        var value => throw new FakeEcsError("SerializationException", $"{where}.{name} must be true or false, not {value.Value.GetRawText()}"),
    };

    public static List<JsonElement>? Array(JsonElement obj, string name, string where, int max)
    {
        if (Get(obj, name) is not { } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FakeEcsError("SerializationException", $"{where}.{name} must be an array, not {value.ValueKind}");
        }

        var items = value.EnumerateArray().ToList();
        return items.Count > max
            ? throw new FakeEcsError("InvalidParameterException", $"{where}.{name} has {items.Count} entries; at most {max} are allowed")
            : items;
    }

    public static List<string>? Strings(JsonElement obj, string name, string where, int max)
    {
        var items = Array(obj, name, where, max);
        return items?.Select((item, i) => item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } text
            ? text
            : throw new FakeEcsError("InvalidParameterException", $"{where}.{name}[{i}] must be a non-empty string")).ToList();
    }

    public static string OneOf(string? value, string where, params string[] allowed) =>
        value is null || allowed.Contains(value, StringComparer.Ordinal)
            ? value!
            : throw new FakeEcsError("InvalidParameterException", $"{where} must be one of {string.Join(", ", allowed)} (got '{value}')");

    private static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
