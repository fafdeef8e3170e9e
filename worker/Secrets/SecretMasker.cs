using System.Net;
using System.Text;

namespace AgentConductor.Worker.Secrets;

/// <summary>
/// Replaces every occurrence of a registered value, longest first, with <c>***</c>. Besides the value
/// itself it masks the forms a secret usually travels in: base64 (also inside a longer base64 string,
/// as in <c>Basic base64("user:token")</c>), URL-encoded, JSON-escaped, and each line of a multi-line value.
/// Values shorter than <see cref="MinimumLength"/> are ignored: masking them would mangle ordinary text. After the
/// registered values, the shapes of common credentials are masked too (<see cref="SecretPatterns"/>).
/// </summary>
internal sealed class SecretMasker : ISecretMasker
{
    public const string Replacement = "***";
    public const int MinimumLength = 4;

    private readonly Lock _gate = new();
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private string[] _longestFirst = [];

    public void AddValue(string value)
    {
        if (string.IsNullOrEmpty(value) || value.Length < MinimumLength)
        {
            return;
        }

        lock (_gate)
        {
            var added = false;
            foreach (var form in Forms(value))
            {
                added |= form.Length >= MinimumLength && _values.Add(form);
            }

            if (added)
            {
                _longestFirst = [.. _values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)];
            }
        }
    }

    public string Mask(string line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return line;
        }

        foreach (var value in Volatile.Read(ref _longestFirst))
        {
            if (line.Contains(value, StringComparison.Ordinal))
            {
                line = line.Replace(value, Replacement, StringComparison.Ordinal);
            }
        }

        return SecretPatterns.Mask(line, Replacement);
    }

    private static IEnumerable<string> Forms(string value)
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

        if (value.Contains('\n', StringComparison.Ordinal))
        {
            foreach (var line in value.Split('\n'))
            {
                yield return line.TrimEnd('\r');
            }
        }
    }

    // The base64 characters that depend only on the value's bytes when the value starts `shift` bytes into
    // a longer encoded string: drop the characters shared with the preceding bytes and the trailing partial one.
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
