using System.Text;

namespace AgentConductor.Conductor.WorkerApi;

internal static class Utf8Text
{
    /// <summary>The longest prefix of <paramref name="text"/> of at most <paramref name="maxBytes"/> UTF-8 bytes, never splitting a character.</summary>
    public static (string Text, bool Truncated) Cut(string text, int maxBytes)
    {
        if (text.Length <= maxBytes / 3 || Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return (text, false);
        }

        int bytes = 0, end = 0;
        while (end < text.Length)
        {
            var length = char.IsSurrogatePair(text, end) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(end, length));
            if (bytes + size > maxBytes)
            {
                break;
            }

            bytes += size;
            end += length;
        }

        return (text[..end], true);
    }
}
