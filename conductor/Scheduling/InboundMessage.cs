using System.Text;
using System.Text.Unicode;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// A message as it arrived: its idempotency key, its body verbatim and when it was received. A body that arrived as
/// bytes which are not valid UTF-8 keeps those bytes in <see cref="ReceivedBytes"/>; <see cref="Body"/> then holds them
/// decoded (U+FFFD for each invalid sequence) for whoever needs text. Valid UTF-8 round-trips through
/// <see cref="Body"/> exactly, so it needs no copy.
/// </summary>
internal sealed record InboundMessage(string MessageId, string Body, DateTimeOffset ReceivedAt)
{
    public byte[]? ReceivedBytes { get; private init; }

    public static InboundMessage FromBytes(string messageId, ReadOnlySpan<byte> body, DateTimeOffset receivedAt) =>
        new(messageId, Encoding.UTF8.GetString(body), receivedAt) { ReceivedBytes = Utf8.IsValid(body) ? null : body.ToArray() };
}
