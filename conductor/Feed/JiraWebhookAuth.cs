using System.Security.Cryptography;
using System.Text;

namespace AgentConductor.Conductor.Feed;

/// <summary>
/// Checks that a webhook comes from the Jira site that knows the shared secret. Jira signs a webhook registered with a
/// secret by an HMAC-SHA256 of the raw body, sent as <c>X-Hub-Signature: sha256=&lt;hex&gt;</c> (WebSub style). Senders
/// that cannot sign (Jira Data Center webhooks without a secret field, Automation's "Send web request") may instead send
/// the secret itself in <c>X-Feed-Secret</c> or <c>?secret=</c>, but only when the feed is started with
/// <c>--allow-plain-secret</c>: a plain secret is replayable and a query string ends up in proxy logs.
/// All comparisons are constant-time.
/// </summary>
internal sealed class JiraWebhookAuth(string secret, bool allowPlainSecret)
{
    public const string SignatureHeader = "X-Hub-Signature";
    public const string PlainSecretHeader = "X-Feed-Secret";
    public const string PlainSecretQuery = "secret";

    private const string Sha256Prefix = "sha256=";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(secret);
    private readonly byte[] _secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    /// <summary>Null when the request is authentic, else why not (never echoing what was sent).</summary>
    public string? Problem(string? signature, string? plainSecret, ReadOnlySpan<byte> body)
    {
        if (!string.IsNullOrEmpty(signature))
        {
            if (!signature.StartsWith(Sha256Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return $"{SignatureHeader} is not a sha256= signature";
            }

            byte[] sent;
            try
            {
                sent = Convert.FromHexString(signature.AsSpan(Sha256Prefix.Length).Trim());
            }
            catch (FormatException)
            {
                return $"{SignatureHeader} is not hexadecimal";
            }

            return CryptographicOperations.FixedTimeEquals(sent, HMACSHA256.HashData(_key, body)) ? null : $"{SignatureHeader} does not match the body and the secret";
        }

        if (!string.IsNullOrEmpty(plainSecret))
        {
            if (!allowPlainSecret)
            {
                return "a plain secret was sent but the feed accepts only signed webhooks (start it with --allow-plain-secret to allow them)";
            }

            return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(plainSecret)), _secretHash) ? null : "the secret does not match";
        }

        return $"no {SignatureHeader} signature (give the Jira webhook the feed's secret)";
    }

    /// <summary>The header value Jira would send for <paramref name="body"/>; for tests and for signing by hand.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Sha256Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
