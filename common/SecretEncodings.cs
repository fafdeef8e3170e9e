using System.Net;
using System.Text;

namespace AgentConductor.Common;

/// <summary>
/// The forms a secret travels in that both the worker's masker and the conductor's registry mask (this file is compiled
/// into both): the value itself, URL-encoded, JSON-escaped, base64 (also inside a longer base64 string, as in
/// <c>Basic base64("user:token")</c>), and each line of a multi-line value (a PEM key).
/// </summary>
internal static class SecretEncodings
{
    public static IEnumerable<string> Of(string value)
    {
        yield return value;
        yield return Uri.EscapeDataString(value);
        yield return WebUtility.UrlEncode(value);
        yield return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

        var bytes = Encoding.UTF8.GetBytes(value);
        yield return Convert.ToBase64String(bytes);
        for (var shift = 0; shift < 3; shift++)
        {
            yield return Base64Core(bytes, shift);
        }

        foreach (var line in Lines(value))
        {
            yield return line;
        }
    }

    /// <summary>The lines of a multi-line value without their line ends; none for a single line.</summary>
    public static IReadOnlyList<string> Lines(string value) =>
        value.Contains('\n', StringComparison.Ordinal) ? [.. value.Split('\n').Select(l => l.TrimEnd('\r'))] : [];

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
