using AgentConductor.Common;

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
            foreach (var form in SecretEncodings.Of(value))
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
}
