using System.Security.Cryptography;
using System.Text;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Intake.Sqs;

namespace AgentConductor.Conductor.Feed;

/// <summary>
/// <c>feed serve</c>'s GitHub path, <c>POST /github/webhook</c>: checks a delivery's signature with the webhook secret
/// (a forged one is answered 401 and never queued) and sends it to the intake queue in the form the conductor stores
/// (<see cref="GitHubEnvelope"/>: the body byte for byte with its event, delivery id and signature), keyed
/// <c>github-delivery:&lt;id&gt;</c> so a redelivery is stored once. The conductor verifies it again with its own
/// <c>GitHub:WebhookSecret</c>. Answers 202 queued, 400 without event or delivery id, 401 not authentic, 413 too large,
/// 502 when SQS failed (redeliver it from GitHub).
/// </summary>
internal sealed partial class GitHubFeedRelay(ISqsClient sqs, JiraFeedSettings settings, string secret, ILogger logger)
{
    public const string WebhookPath = "/github/webhook";
    public const string EventAttribute = "GitHubEvent";

    /// <summary>FIFO queues: GitHub deliveries share one message group, so they arrive in the order the feed sent them.</summary>
    public const string MessageGroup = "github";

    public async Task<IResult> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var maxBytes = new IntakeOptions().MaxBodyBytes;
        var body = await RequestBody.ReadAsync(request.Body, maxBytes, cancellationToken);
        if (body.Length > maxBytes)
        {
            return Results.Json(new { error = $"the body is over {maxBytes} bytes" }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var envelope = new GitHubEnvelope(
            request.Headers[GitHubEnvelope.EventHeader].FirstOrDefault(), request.Headers[GitHubEnvelope.DeliveryHeader].FirstOrDefault(),
            request.Headers[GitHubSignature.Header].FirstOrDefault(), body.ToArray());
        var signature = GitHubSignature.Check(secret, envelope.Signature, envelope.Body);
        if (!signature.IsValid)
        {
            Log.NotAuthentic(logger, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?", signature.Detail);
            return Results.Json(new { error = signature.Detail }, statusCode: StatusCodes.Status401Unauthorized);
        }

        if (string.IsNullOrWhiteSpace(envelope.Event) || !GitHubEnvelope.IsValidDeliveryId(envelope.DeliveryId))
        {
            return Results.Json(new { error = $"a GitHub delivery needs {GitHubEnvelope.EventHeader} and {GitHubEnvelope.DeliveryHeader} (a delivery id)" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var key = GitHubDeliveryKey.Prefix + envelope.DeliveryId;
        var attributes = new Dictionary<string, string> { [SqsMessageKey.AttributeName] = key, [EventAttribute] = envelope.Event };
        var text = Encoding.UTF8.GetString(envelope.ToJson());
        var message = settings.IsFifo
            ? new SqsOutgoingMessage(text, attributes, GroupId: MessageGroup, DeduplicationId: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))))
            : new SqsOutgoingMessage(text, attributes);
        try
        {
            var messageId = await sqs.SendAsync(settings.QueueUrl, message, cancellationToken);
            Log.Sent(logger, envelope.Event, envelope.DeliveryId!, messageId);
            return Results.Json(new { sent = messageId, delivery = envelope.DeliveryId, idempotencyKey = key }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (Exception ex) when (FeedSqsClient.IsSendFailure(ex) || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.SendFailed(logger, envelope.DeliveryId!, ex.Message);
            return Results.Json(new { error = $"could not queue delivery {envelope.DeliveryId}: {ex.Message}" }, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 650, EventName = "FeedGitHubSent", Level = LogLevel.Information, Message = "Sent GitHub {Event} delivery {DeliveryId} to SQS as message {MessageId}")]
        public static partial void Sent(ILogger logger, string @event, string deliveryId, string messageId);

        [LoggerMessage(EventId = 651, EventName = "FeedGitHubNotAuthentic", Level = LogLevel.Warning, Message = "Refused a GitHub delivery from {Remote}: {Problem}")]
        public static partial void NotAuthentic(ILogger logger, string remote, string problem);

        [LoggerMessage(EventId = 652, EventName = "FeedGitHubSendFailed", Level = LogLevel.Error, Message = "Could not send GitHub delivery {DeliveryId} to SQS (answered 502; redeliver it from GitHub): {Reason}")]
        public static partial void SendFailed(ILogger logger, string deliveryId, string reason);
    }
}
