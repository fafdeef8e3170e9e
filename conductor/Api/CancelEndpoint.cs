using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>POST /v1/jobs/{id}/cancel</c>: a pending job is cancelled at once (200); an active one is asked to stop and is
/// stopped at its launcher after <c>Reconcile:CancelGrace</c> if it does not comply (202); an ended job answers 409.
/// </summary>
internal static class CancelEndpoint
{
    public static IEndpointRouteBuilder MapCancel(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v1/jobs/{id}/cancel", async (string id, string? reason, JobCanceller canceller, CancellationToken cancellationToken) =>
        {
            var why = string.IsNullOrWhiteSpace(reason) ? "cancelled through the API" : reason.Trim();
            var outcome = await canceller.CancelAsync(id, why, cancellationToken);
            var body = new { jobId = id, outcome = ApiNames.Of(outcome), reason = why };
            return outcome switch
            {
                CancelOutcome.Cancelled => Results.Json(body, statusCode: StatusCodes.Status200OK),
                CancelOutcome.Requested => Results.Json(body, statusCode: StatusCodes.Status202Accepted),
                CancelOutcome.AlreadyEnded => Results.Json(body, statusCode: StatusCodes.Status409Conflict),
                _ => StatusEndpoints.Error($"no job {id}", StatusCodes.Status404NotFound),
            };
        });
        return endpoints;
    }
}
