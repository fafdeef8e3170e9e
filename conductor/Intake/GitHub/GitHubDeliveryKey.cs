using System.Security.Cryptography;

namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>
/// The idempotency key of a delivery, the same whether it comes to the conductor's endpoint or through the feed and SQS:
/// <c>github-delivery:&lt;X-GitHub-Delivery&gt;</c> for an authentic delivery, so a redelivery (GitHub's button, a retry,
/// both paths at once) is stored once. A delivery that fails the signature check is keyed by the SHA-256 of its stored
/// form instead, so a forged delivery can never take the id of a real one.
/// </summary>
internal static class GitHubDeliveryKey
{
    public const string Prefix = "github-delivery:";

    public static string For(GitHubEnvelope envelope, ReadOnlySpan<byte> envelopeJson, string? secret) =>
        GitHubEnvelope.IsValidDeliveryId(envelope.DeliveryId) && GitHubSignature.Check(secret, envelope.Signature, envelope.Body).IsValid
            ? Prefix + envelope.DeliveryId
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(envelopeJson));
}
