using System.Text;
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
            // Not UTF-8 already, so no character boundary to respect: the first maxBytes bytes are what is kept.
            return received.Length <= maxBytes
                ? new StoredBody(message.Body, received, false)
                : new StoredBody(Encoding.UTF8.GetString(received, 0, maxBytes), received[..maxBytes], true);
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

    /// <summary>The bytes that arrived, from a stored row: <c>body_bytes</c> when set, else the UTF-8 of <c>body</c>.</summary>
    public static InboundMessage Read(string messageId, string text, byte[]? bytes, DateTimeOffset receivedAt) =>
        bytes is null ? new InboundMessage(messageId, text, receivedAt) : InboundMessage.FromBytes(messageId, bytes, receivedAt);
}
