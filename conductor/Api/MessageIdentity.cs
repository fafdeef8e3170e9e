using System.Security.Cryptography;
using System.Text.Json;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// The idempotency key of a message posted without one: the event's own id when it has one (EventBridge <c>id</c>,
/// SNS <c>MessageId</c>), else a SHA-256 of the body's bytes, so posting the same body twice stores it once.
/// </summary>
internal static class MessageIdentity
{
    public static string For(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("source", out _) && root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { Length: > 0 } eventId)
                {
                    return "eventbridge:" + eventId;
                }

                if (root.TryGetProperty("Type", out _) && root.TryGetProperty("MessageId", out var sns) && sns.ValueKind == JsonValueKind.String && sns.GetString() is { Length: > 0 } snsId)
                {
                    return "sns:" + snsId;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body hash below still identifies it; the scheduler will reject and store it.
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(body.Span));
    }
}
