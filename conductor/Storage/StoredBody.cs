using System.Text;

namespace AgentConductor.Conductor.Storage;

/// <summary>Bodies are kept verbatim; one over the size limit (already rejected) is kept cut at the limit.</summary>
internal static class StoredBody
{
    public static (string Body, bool Truncated) Limit(string body, int maxBytes)
    {
        // A string of n chars is at most 3n UTF-8 bytes, so short bodies skip the count.
        if (body.Length * 3L <= maxBytes || Encoding.UTF8.GetByteCount(body) <= maxBytes)
        {
            return (body, false);
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        var cut = maxBytes;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--; // never split a multi-byte character
        }

        return (Encoding.UTF8.GetString(bytes, 0, cut), true);
    }
}
