using System.Net;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// The forms a secret travels in, as the worker's masker knows them: the value itself, URL-encoded, JSON-escaped (as
/// System.Text.Json and as protobuf's JSON formatter write it: progress events are stored in that form), base64 (also
/// inside a longer base64 string, as in <c>Basic base64("user:token")</c>), and each line of a multi-line value (a PEM
/// key), together with the key's body as one line.
/// </summary>
internal static class SecretForms
{
    public static IEnumerable<string> Of(string value)
    {
        yield return value;
        yield return Uri.EscapeDataString(value);
        yield return WebUtility.UrlEncode(value);
        yield return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
        yield return Unquote(JsonSerializer.Serialize(value));
        yield return Unquote(JsonFormatter.Default.Format(new StringValue { Value = value }));

        var bytes = Encoding.UTF8.GetBytes(value);
        yield return Convert.ToBase64String(bytes);
        for (var shift = 0; shift < 3; shift++)
        {
            yield return Base64Core(bytes, shift);
        }

        if (value.Contains('\n', StringComparison.Ordinal))
        {
            var lines = value.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            foreach (var line in lines)
            {
                yield return line;
            }

            // A PEM body printed without its line breaks.
            yield return string.Concat(lines.Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));
        }
    }

    private static string Unquote(string json) => json.Length >= 2 && json[0] == '"' && json[^1] == '"' ? json[1..^1] : json;

    // The base64 characters that depend only on the value's bytes when the value starts `shift` bytes into a longer
    // encoded string: drop the characters shared with the preceding bytes and the trailing partial one.
    private static string Base64Core(byte[] bytes, int shift)
    {
        var padded = new byte[shift + bytes.Length];
        bytes.CopyTo(padded, shift);
        var encoded = Convert.ToBase64String(padded);
        var first = ((8 * shift) + 5) / 6;
        var end = 8 * (shift + bytes.Length) / 6;
        return end > first ? encoded[first..end] : "";
    }
}
