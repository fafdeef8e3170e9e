using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>POST /v1/github/webhook</c>: GitHub's deliveries, into the same scheduler path as every message. The body and the
/// headers that decide about it (<c>X-GitHub-Event</c>, <c>X-GitHub-Delivery</c>, <c>X-Hub-Signature-256</c>) are stored
/// together (<see cref="GitHubEnvelope"/>), keyed by the delivery id when the signature holds. Authenticated by that
/// signature, not by <c>Api:Key</c> (GitHub cannot send one). Answers 202 stored (whether it triggered a follow-up or was
/// ignored, with the reason), 200 a delivery already stored, 401 not signed with the webhook secret, 422 not a readable
/// delivery (both stored with their reason), 503 while the conductor drains or the database is busy (nothing stored:
/// GitHub does not retry, so redeliver it from the webhook's Recent Deliveries, or send GitHub through the feed).
/// </summary>
internal static partial class GitHubWebhookEndpoint
{
    public const string Path = "/v1/github/webhook";

    public static IEndpointRouteBuilder MapGitHubWebhook(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, Scheduler scheduler, ShutdownGate gate, DispatchSignal dispatch, IOptions<IntakeOptions> intake,
        IOptions<GitHubWebhookOptions> gitHub, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (gate.IsClosed)
        {
            request.HttpContext.Response.Headers.RetryAfter = "30";
            return Results.Json(new { error = "the conductor is not taking deliveries (shutdown flag set); nothing was stored, redeliver it later" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var body = await RequestBody.ReadAsync(request.Body, intake.Value.MaxBodyBytes, cancellationToken);
        var envelope = new GitHubEnvelope(
            Header(request, GitHubEnvelope.EventHeader), Header(request, GitHubEnvelope.DeliveryHeader), Header(request, GitHubSignature.Header), body.ToArray());
        var stored = envelope.ToJson();
        var key = GitHubDeliveryKey.For(envelope, stored, gitHub.Value.WebhookSecret);

        ScheduleResult result;
        try
        {
            result = await scheduler.ScheduleAsync([InboundMessage.FromBytes(key, stored, time.GetUtcNow())], cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.Json(new { error = "the database is busy; nothing was stored, redeliver it" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var logger = loggers.CreateLogger(typeof(GitHubWebhookEndpoint).FullName!);
        if (result.Decisions.Count > 0)
        {
            dispatch.Poke();
        }

        var outcome = result.Messages[0];
        if (outcome.Disposition == MessageDisposition.Rejected)
        {
            Log.Refused(logger, envelope.DeliveryId ?? "(none)", request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "?", outcome.Note);
        }

        foreach (var decision in result.Decisions)
        {
            Log.FollowUpCreated(logger, decision.JobId, decision.ParentJobId ?? "?", decision.PullRequestUrl ?? "?", envelope.DeliveryId ?? "?");
        }

        var response = new DeliveryResponse(
            outcome.MessageId,
            outcome.Disposition.ToString().ToLowerInvariant(),
            outcome.Note,
            outcome.RejectReason,
            result.Decisions.Select(d => new FollowUpView(d.JobId, d.ParentJobId, d.PullRequestUrl)).ToList());
        return outcome.Disposition switch
        {
            MessageDisposition.Stored => Results.Json(response, statusCode: StatusCodes.Status202Accepted),
            MessageDisposition.Rejected when outcome.RejectReason is RejectReasons.Unsigned or RejectReasons.BadSignature or RejectReasons.NoSecret =>
                Results.Json(response, statusCode: StatusCodes.Status401Unauthorized),
            MessageDisposition.Rejected => Results.Json(response, statusCode: StatusCodes.Status422UnprocessableEntity),
            _ => Results.Json(response, statusCode: StatusCodes.Status200OK),
        };
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 680, EventName = "GitHubDeliveryRefused", Level = LogLevel.Warning, Message = "Refused GitHub delivery {DeliveryId} from {Remote}: {Reason}")]
        public static partial void Refused(ILogger logger, string deliveryId, string remote, string reason);

        [LoggerMessage(EventId = 681, EventName = "FollowUpCreated", Level = LogLevel.Information, Message = "Follow-up {JobId} of job {ParentJobId} created for {PullRequest} by GitHub delivery {DeliveryId}")]
        public static partial void FollowUpCreated(ILogger logger, string jobId, string parentJobId, string pullRequest, string deliveryId);
    }

    private sealed record DeliveryResponse(string MessageId, string Disposition, string Note, string? Reason, IReadOnlyList<FollowUpView> FollowUps);

    private sealed record FollowUpView(string JobId, string? ParentJobId, string? PullRequestUrl);
}
