using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// How webhook bodies are signed: <c>X-Conductor-Signature: sha256=&lt;hex&gt;</c>, the lowercase hex HMAC-SHA256, keyed with
/// the webhook's secret (its UTF-8 bytes), of <c>&lt;timestamp&gt;.&lt;body&gt;</c>, where the timestamp is the
/// <c>X-Conductor-Timestamp</c> header (Unix seconds when the attempt was sent) and the body the exact bytes received.
/// </summary>
internal static class WebhookSignature
{
    public const string SignatureHeader = "X-Conductor-Signature";
    public const string TimestampHeader = "X-Conductor-Timestamp";
    public const string EventIdHeader = "X-Conductor-Event-Id";
    public const string EventTypeHeader = "X-Conductor-Event-Type";
    public const string AttemptHeader = "X-Conductor-Delivery-Attempt";
    public const string Prefix = "sha256=";

    public static string Timestamp(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var signed = new byte[Encoding.ASCII.GetByteCount(timestamp) + 1 + body.Length];
        var written = Encoding.ASCII.GetBytes(timestamp, signed);
        signed[written] = (byte)'.';
        body.CopyTo(signed.AsSpan(written + 1));
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }
}
