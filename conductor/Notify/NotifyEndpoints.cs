namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The outbox in the API: <c>GET /v1/notifications</c> (newest first, <c>?state=&amp;destination=&amp;limit=</c>, with counts by
/// state), <c>GET /v1/notifications/{eventId}</c> (the document sent and its deliveries), <c>GET /v1/jobs/{id}/notifications</c>,
/// and <c>POST /v1/notifications/{eventId}/{destination}/retry</c>, which puts a dead-lettered delivery back in the queue.
/// </summary>
internal static class NotifyEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/notifications", (NotifyQueries queries, string? state, string? destination, int? limit) =>
        {
            if (state is not null && !NotifyQueries.States.Contains(state, StringComparer.Ordinal))
            {
                return Results.Json(new { error = $"unknown state '{state}' (one of: {string.Join(", ", NotifyQueries.States)})" }, statusCode: StatusCodes.Status400BadRequest);
            }

            return Results.Json(new
            {
                counts = queries.CountsByState(),
                deliveries = queries.Deliveries(state, string.IsNullOrEmpty(destination) ? null : destination, Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit)),
            });
        });

        endpoints.MapGet("/v1/notifications/{eventId}", (NotifyQueries queries, string eventId) =>
            queries.TryEvent(eventId, out var document)
                ? Results.Json(new { eventId, @event = document, deliveries = queries.ForEvent(eventId) })
                : Results.Json(new { error = $"no event {eventId}" }, statusCode: StatusCodes.Status404NotFound));

        endpoints.MapGet("/v1/jobs/{id}/notifications", (NotifyQueries queries, string id) =>
            queries.JobExists(id)
                ? Results.Json(new { jobId = id, deliveries = queries.ForJob(id) })
                : Results.Json(new { error = $"no job {id}" }, statusCode: StatusCodes.Status404NotFound));

        endpoints.MapPost("/v1/notifications/{eventId}/{destination}/retry", (NotifyQueries queries, NotifyQueue queue, TimeProvider time, string eventId, string destination) =>
        {
            if (queue.Requeue(eventId, destination, time.GetUtcNow()))
            {
                return Results.Json(new { eventId, destination, state = "pending" });
            }

            return queries.ForEvent(eventId).FirstOrDefault(d => d.Destination == destination) is { } delivery
                ? Results.Json(new { error = $"the delivery is {delivery.State}, not dead" }, statusCode: StatusCodes.Status409Conflict)
                : Results.Json(new { error = $"no delivery of {eventId} to {destination}" }, statusCode: StatusCodes.Status404NotFound);
        });
        return endpoints;
    }
}
