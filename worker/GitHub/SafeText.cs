using System.Text;

namespace AgentConductor.Worker.GitHub;

/// <summary>Cutting text by UTF-16 length without splitting a surrogate pair, and repairing lone surrogates.</summary>
internal static class SafeText
{
    public const string Ellipsis = "…";

    /// <summary>At most <paramref name="maxLength"/> chars; a cut that would split a surrogate pair drops its high half too.</summary>
    public static string Truncate(string text, int maxLength)
    {
        if (maxLength <= 0)
        {
            return "";
        }

        if (text.Length <= maxLength)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[maxLength - 1]) ? maxLength - 1 : maxLength;
        return text[..cut];
    }

    /// <summary>At most <paramref name="maxLength"/> chars, ending in "…" when something was cut.</summary>
    public static string TruncateWithEllipsis(string text, int maxLength) =>
        text.Length <= maxLength ? text : Truncate(text, maxLength - Ellipsis.Length) + Ellipsis;

    /// <summary>Replaces unpaired surrogates (invalid UTF-16 that GitHub would reject or mangle) with U+FFFD.</summary>
    public static string ReplaceLoneSurrogates(string text)
    {
        StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) ? i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])
                : !char.IsLowSurrogate(c) || (i > 0 && char.IsHighSurrogate(text[i - 1]));
            if (!paired)
            {
                builder ??= new StringBuilder(text, 0, i, text.Length);
                builder.Append('\uFFFD');
                continue;
            }

            builder?.Append(c);
        }

        return builder?.ToString() ?? text;
    }

    /// <summary>All runs of whitespace, newlines included, become one space.</summary>
    public static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
