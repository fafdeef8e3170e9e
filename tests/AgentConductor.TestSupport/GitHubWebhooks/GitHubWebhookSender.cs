using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.GitHubWebhooks;

/// <summary>How a delivery is signed: as GitHub does, not at all, with another secret, or signed and then changed.</summary>
internal enum Signing
{
    Valid,
    None,
    WrongSecret,
    Tampered,
}

/// <summary>One delivery as GitHub's "Recent Deliveries" keeps it: what was sent and what the receiver answered.</summary>
internal sealed record SentDelivery(string Event, string DeliveryId, byte[] Body, Signing Signing, HttpStatusCode Status, JsonDocument Response)
{
    public string? Disposition => Response.RootElement.TryGetProperty("disposition", out var d) ? d.GetString() : null;

    public string? Reason => Response.RootElement.TryGetProperty("reason", out var r) ? r.GetString() : null;

    public string? Note => Response.RootElement.TryGetProperty("note", out var n) ? n.GetString() : null;
}

/// <summary>
/// A GitHub webhook sending deliveries as GitHub does: a POST with <c>Content-Type: application/json</c>, GitHub's
/// <c>User-Agent</c>, <c>X-GitHub-Event</c>, a fresh <c>X-GitHub-Delivery</c> id, <c>X-GitHub-Hook-ID</c> and, with a secret,
/// <c>X-Hub-Signature</c> (SHA-1) and <c>X-Hub-Signature-256</c> over the exact body bytes. A delivery can be redelivered
/// with the same id and bytes, as GitHub's Redeliver button does. Strict about the receiver: an answer that is not JSON,
/// or whose status the conductor never gives (anything but 200, 202, 401, 422, 503), fails the test.
/// </summary>
internal sealed class GitHubWebhookSender(HttpClient http, string path, string secret)
{
    public const long HookId = 482_213_907;
    private static readonly HttpStatusCode[] Answers =
        [HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Unauthorized, HttpStatusCode.UnprocessableEntity, HttpStatusCode.ServiceUnavailable];

    private int _sequence;

    public List<SentDelivery> Deliveries { get; } = [];

    public Task<SentDelivery> SendAsync(string gitHubEvent, JsonObject payload, Signing signing = Signing.Valid, CancellationToken cancellationToken = default) =>
        SendAsync(gitHubEvent, Encoding.UTF8.GetBytes(payload.ToJsonString()), signing, NewDeliveryId(), cancellationToken);

    public Task<SentDelivery> RedeliverAsync(SentDelivery delivery, CancellationToken cancellationToken = default) =>
        SendAsync(delivery.Event, delivery.Body, delivery.Signing, delivery.DeliveryId, cancellationToken);

    public async Task<SentDelivery> SendAsync(string gitHubEvent, byte[] body, Signing signing, string deliveryId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        var sent = body;
        if (signing != Signing.None)
        {
            var key = Encoding.UTF8.GetBytes(signing == Signing.WrongSecret ? secret + "-not" : secret);
            // GitHub still sends the legacy SHA-1 signature beside the SHA-256 one; receivers must ignore it.
#pragma warning disable CA5350
            request.Headers.Add("X-Hub-Signature", "sha1=" + Convert.ToHexStringLower(HMACSHA1.HashData(key, body)));
#pragma warning restore CA5350
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(key, body)));
            if (signing == Signing.Tampered)
            {
                sent = [.. body];
                sent[^2] ^= 0x01;
            }
        }

        request.Headers.Add("X-GitHub-Event", gitHubEvent);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-GitHub-Hook-ID", HookId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.UserAgent.ParseAdd("GitHub-Hookshot/7c4a1b2");
        request.Content = new ByteArrayContent(sent);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (Array.IndexOf(Answers, response.StatusCode) < 0)
        {
            throw new InvalidOperationException($"The receiver answered delivery {deliveryId} with {(int)response.StatusCode}, which the conductor never gives: {text}");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"The receiver's answer to delivery {deliveryId} is not JSON: {text}", ex);
        }

        var delivery = new SentDelivery(gitHubEvent, deliveryId, body, signing, response.StatusCode, document);
        Deliveries.Add(delivery);
        return delivery;
    }

    // Deterministic GUID-shaped ids, so a test's deliveries are the same on every run.
    private string NewDeliveryId() => $"{Interlocked.Increment(ref _sequence):x8}-6f0a-11ef-8a3c-5d1b7c0a8f3e";
}
