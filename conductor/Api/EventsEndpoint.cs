using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Shutdown;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>POST /v1/events</c>: the local inbox. Takes the same bodies as the queue (Jira, CloudWatch) into the same
/// scheduler path, so one machine needs no SQS. The idempotency key is the <c>X-Message-Id</c> header, else
/// the event's own id. Answers 202 stored, 200 duplicate, 422 rejected (stored with its reason), 503 while
/// the conductor drains or the database is busy (nothing stored: send again).
/// </summary>
internal static class EventsEndpoint
{
    public const string MessageIdHeader = "X-Message-Id";

    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/events", ReceiveAsync);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, Scheduler scheduler, ShutdownGate gate, DispatchSignal dispatch, IOptions<IntakeOptions> intake, TimeProvider time, CancellationToken cancellationToken)
    {
        if (gate.IsClosed)
        {
            request.HttpContext.Response.Headers.RetryAfter = "30";
            return Results.Json(new { error = "the conductor is not taking messages (shutdown flag set); nothing was stored, send again later" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        // The scheduler rejects (and stores) an over-size body, so the byte past the limit is read too.
        var body = await RequestBody.ReadAsync(request.Body, intake.Value.MaxBodyBytes, cancellationToken);
        var messageId = request.Headers[MessageIdHeader].ToString();
        if (messageId.Length > 256)
        {
            return Results.Json(new { error = $"{MessageIdHeader} is longer than 256 characters" }, statusCode: StatusCodes.Status400BadRequest);
        }

        if (messageId.Length == 0)
        {
            messageId = MessageIdentity.For(body);
        }

        ScheduleResult result;
        try
        {
            result = await scheduler.ScheduleAsync([InboundMessage.FromBytes(messageId, body.Span, time.GetUtcNow())], cancellationToken);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 5 or 6)
        {
            request.HttpContext.Response.Headers.RetryAfter = "1";
            return Results.Json(new { error = "the database is busy; nothing was stored, send again" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (result.Decisions.Count > 0)
        {
            dispatch.Poke();
        }

        var outcome = result.Messages[0];
        var response = new EventResponse(
            outcome.MessageId,
            ApiNames.Of(outcome.Disposition),
            outcome.Note,
            outcome.RejectReason,
            result.Decisions.Select(d => new DecisionView(ApiNames.Of(d.Kind), d.JobId, d.TicketKey, d.Account, d.IncidentId)).ToList(),
            result.CancelledJobIds);
        return outcome.Disposition switch
        {
            MessageDisposition.Stored => Results.Json(response, statusCode: StatusCodes.Status202Accepted),
            MessageDisposition.Rejected => Results.Json(response, statusCode: StatusCodes.Status422UnprocessableEntity),
            _ => Results.Json(response, statusCode: StatusCodes.Status200OK),
        };
    }

    private sealed record EventResponse(string MessageId, string Disposition, string Note, string? Reason, IReadOnlyList<DecisionView> Decisions, IReadOnlyList<string> CancelledJobs);

    private sealed record DecisionView(string Kind, string JobId, string? TicketKey, string? Account, long? IncidentId);
}
