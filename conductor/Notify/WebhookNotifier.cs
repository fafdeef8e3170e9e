using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// POSTs the event document to a webhook, signed (<see cref="WebhookSignature"/>). A 2xx answer delivers it; 410 Gone
/// dead-letters it at once (the receiver says the endpoint is gone for good); any other answer, a timeout or no answer
/// is retried.
/// </summary>
internal sealed class WebhookNotifier(WebhookOptions webhook, NotifyHttp http, TimeProvider time) : INotifier
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly Uri _url = new(webhook.Url!);

    public async Task<DeliveryOutcome> DeliverAsync(NotifyEvent notifyEvent, string body, int attempt, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var timestamp = WebhookSignature.Timestamp(time.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(webhook.Secret!, timestamp, bytes));
        request.Headers.Add(WebhookSignature.EventIdHeader, notifyEvent.Id);
        request.Headers.Add(WebhookSignature.EventTypeHeader, notifyEvent.Type);
        request.Headers.Add(WebhookSignature.AttemptHeader, attempt.ToString(CultureInfo.InvariantCulture));
        try
        {
            var answer = await http.SendAsync(request, cancellationToken);
            return answer switch
            {
                { IsSuccess: true } => DeliveryOutcome.Delivered(answer.Status, $"HTTP {answer.Status}"),
                { Status: 410 } => DeliveryOutcome.Dead(answer.Status, $"{answer.Describe()} (the receiver says the endpoint is gone: not retried)"),
                { Status: >= 300 and < 400 } => DeliveryOutcome.Retry(answer.Status, $"{answer.Describe()} (redirects are not followed: point the webhook at the final URL)"),
                _ => DeliveryOutcome.Retry(answer.Status, answer.Describe(), answer.RetryAfter),
            };
        }
        catch (NotifyRequestException ex)
        {
            return DeliveryOutcome.Retry(null, ex.Message);
        }
    }
}
