using System.Security.Cryptography;
using System.Text;

namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>
/// GitHub signs each delivery with <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 of the raw body bytes
/// with the webhook's secret. The check is on the bytes exactly as they arrived, compared in constant time.
/// </summary>
internal static class GitHubSignature
{
    public const string Header = "X-Hub-Signature-256";
    private const string Prefix = "sha256=";

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static SignatureVerdict Check(string? secret, string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return new(SignatureStatus.NoSecret, "the conductor has no GitHub:WebhookSecret, so it cannot verify any delivery");
        }

        if (string.IsNullOrEmpty(header))
        {
            return new(SignatureStatus.Unsigned, $"the delivery has no {Header} header (give the webhook a secret)");
        }

        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return new(SignatureStatus.BadSignature, $"{Header} is not a sha256= signature");
        }

        byte[] sent;
        try
        {
            sent = Convert.FromHexString(header.AsSpan(Prefix.Length).Trim());
        }
        catch (FormatException)
        {
            return new(SignatureStatus.BadSignature, $"{Header} is not hexadecimal");
        }

        return CryptographicOperations.FixedTimeEquals(sent, HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body))
            ? new(SignatureStatus.Valid, "signed with the webhook secret")
            : new(SignatureStatus.BadSignature, $"{Header} does not match the body and GitHub:WebhookSecret");
    }
}
