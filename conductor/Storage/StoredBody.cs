using System.Text;
using System.Text.Unicode;
using AgentConductor.Conductor.Scheduling;

namespace AgentConductor.Conductor.Storage;

/// <summary>
/// A body as stored in <c>events</c>: its text, its exact bytes when they are not valid UTF-8 (<c>body_bytes</c>), and
/// whether it was cut. Bodies are kept verbatim; one over the size limit (already rejected) is kept cut at the limit.
/// </summary>
internal readonly record struct StoredBody(string Text, byte[]? Bytes, bool Truncated)
{
    public static StoredBody Limit(InboundMessage message, int maxBytes)
    {
        if (message.ReceivedBytes is { } received)
        {
            if (received.Length <= maxBytes)
            {
                return new StoredBody(message.Body, received, false);
            }

            // Not UTF-8 already, so no character boundary to respect: the first maxBytes bytes are what is kept (and
            // they need body_bytes only if they are still not UTF-8).
            var kept = received[..maxBytes];
            return new StoredBody(Encoding.UTF8.GetString(kept), Utf8.IsValid(kept) ? null : kept, true);
        }

        var body = message.Body;
        // A string of n chars is at most 3n UTF-8 bytes, so short bodies skip the count.
        if (body.Length * 3L <= maxBytes || Encoding.UTF8.GetByteCount(body) <= maxBytes)
        {
            return new StoredBody(body, null, false);
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        var cut = maxBytes;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80)
        {
            cut--; // never split a multi-byte character
        }

        return new StoredBody(Encoding.UTF8.GetString(bytes, 0, cut), null, true);
    }
}
