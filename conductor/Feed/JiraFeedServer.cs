using System.Net;
using System.Text;
using AgentConductor.Conductor.Api;
using AgentConductor.Conductor.Aws.Sqs;
using AgentConductor.Conductor.Intake;

namespace AgentConductor.Conductor.Feed;

/// <summary>
/// <c>feed serve</c>: receives Jira webhooks on <c>POST /jira/webhook</c>, checks their secret, filters them and sends
/// each passing issue to the intake queue. Answers 202 sent, 200 skipped (filtered out, or an event the conductor does
/// not use), 400 not a Jira issue, 401 not authentic, 413 too large, 502 when SQS failed (Jira retries those).
/// Given a GitHub webhook secret, it also relays GitHub deliveries (<see cref="GitHubFeedRelay"/>).
/// </summary>
internal static partial class JiraFeedServer
{
    public const string WebhookPath = "/jira/webhook";
    public const string WebhookIdentifierHeader = "X-Atlassian-Webhook-Identifier";

    /// <param name="gitHubSecret">The GitHub webhook's secret; null serves no GitHub path.</param>
    public static WebApplication Build(
        IPEndPoint listen, JiraFeedSettings settings, JiraWebhookAuth auth, Func<IServiceProvider, ISqsClient> sqs, Action<WebApplicationBuilder>? configure = null, string? gitHubSecret = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(listen));
        configure?.Invoke(builder);
        var app = builder.Build();
        var filter = new JiraFeedFilter(settings);
        var publisher = new JiraFeedPublisher(sqs(app.Services), settings);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AgentConductor.Feed");
        app.MapGet("/healthz", () => Results.Text("live"));
        app.MapPost(WebhookPath, (HttpRequest request, CancellationToken cancellationToken) => ReceiveAsync(request, auth, filter, publisher, logger, cancellationToken));
        if (gitHubSecret is not null)
        {
            var relay = new GitHubFeedRelay(sqs(app.Services), settings, gitHubSecret, logger);
            app.MapPost(GitHubFeedRelay.WebhookPath, (HttpRequest request, CancellationToken cancellationToken) => relay.ReceiveAsync(request, cancellationToken));
        }

        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, JiraWebhookAuth auth, JiraFeedFilter filter, JiraFeedPublisher publisher, ILogger logger, CancellationToken cancellationToken)
    {
        var maxBytes = new IntakeOptions().MaxBodyBytes;
        var bytes = await RequestBody.ReadAsync(request.Body, maxBytes, cancellationToken);
        if (bytes.Length > maxBytes)
        {
            return Results.Json(new { error = $"the body is over {maxBytes} bytes" }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var plainSecret = request.Headers[JiraWebhookAuth.PlainSecretHeader].FirstOrDefault() ?? request.Query[JiraWebhookAuth.PlainSecretQuery].FirstOrDefault();
        if (auth.Problem(request.Headers[JiraWebhookAuth.SignatureHeader].FirstOrDefault(), plainSecret, bytes.Span) is { } problem)
        {
            Log.NotAuthentic(logger, request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?", problem);
            return Results.Json(new { error = problem }, statusCode: StatusCodes.Status401Unauthorized);
        }

        var body = Encoding.UTF8.GetString(bytes.Span);
        var decision = filter.Evaluate(body);
        switch (decision.Verdict)
        {
            case JiraFeedVerdict.Skip:
                Log.Skipped(logger, decision.Reason);
                return Results.Json(new { skipped = decision.Reason });
            case JiraFeedVerdict.Invalid:
                Log.Invalid(logger, decision.Reason);
                return Results.Json(new { error = decision.Reason }, statusCode: StatusCodes.Status400BadRequest);
        }

        var key = JiraFeedPublisher.IdempotencyKey(request.Headers[WebhookIdentifierHeader].FirstOrDefault(), body);
        try
        {
            var messageId = await publisher.SendAsync(body, decision.Ticket!, key, cancellationToken);
            Log.Sent(logger, decision.Ticket!.Key, messageId, key);
            return Results.Json(new { sent = messageId, issue = decision.Ticket.Key, idempotencyKey = key }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (Exception ex) when (FeedSqsClient.IsSendFailure(ex) || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Log.SendFailed(logger, decision.Ticket!.Key, ex.Message);
            return Results.Json(new { error = $"could not queue {decision.Ticket.Key}: {ex.Message}" }, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 640, EventName = "FeedSent", Level = LogLevel.Information, Message = "Sent {IssueKey} to SQS as message {MessageId} (idempotency key {IdempotencyKey})")]
        public static partial void Sent(ILogger logger, string issueKey, string messageId, string idempotencyKey);

        [LoggerMessage(EventId = 641, EventName = "FeedSkipped", Level = LogLevel.Information, Message = "Skipped: {Reason}")]
        public static partial void Skipped(ILogger logger, string reason);

        [LoggerMessage(EventId = 642, EventName = "FeedInvalid", Level = LogLevel.Warning, Message = "Refused a body that is not a Jira issue: {Reason}")]
        public static partial void Invalid(ILogger logger, string reason);

        [LoggerMessage(EventId = 643, EventName = "FeedNotAuthentic", Level = LogLevel.Warning, Message = "Refused a webhook from {Remote}: {Problem}")]
        public static partial void NotAuthentic(ILogger logger, string remote, string problem);

        [LoggerMessage(EventId = 644, EventName = "FeedSendFailed", Level = LogLevel.Error, Message = "Could not send {IssueKey} to SQS (answered 502 so Jira retries): {Reason}")]
        public static partial void SendFailed(ILogger logger, string issueKey, string reason);
    }
}
