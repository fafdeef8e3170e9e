using AgentConductor.Conductor.Api;

namespace AgentConductor.Conductor.Costs;

/// <summary><c>GET /v1/costs?from=YYYY-MM-DD&amp;to=YYYY-MM-DD</c> (UTC days, both included; by default the 30 days up to today).</summary>
internal static class CostEndpoints
{
    private const int DefaultDays = 30;

    public static IEndpointRouteBuilder MapCosts(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/costs", (CostQueries costs, TimeProvider time, string? from, string? to) =>
        {
            var last = UtcDays.Of(time.GetUtcNow());
            if (to is not null && !UtcDays.TryParse(to, out last))
            {
                return StatusEndpoints.Error($"'to' must be a UTC day as YYYY-MM-DD (got '{to}')", StatusCodes.Status400BadRequest);
            }

            var first = last.AddDays(1 - DefaultDays);
            if (from is not null && !UtcDays.TryParse(from, out first))
            {
                return StatusEndpoints.Error($"'from' must be a UTC day as YYYY-MM-DD (got '{from}')", StatusCodes.Status400BadRequest);
            }

            if (first > last)
            {
                return StatusEndpoints.Error($"'from' ({UtcDays.Name(first)}) is after 'to' ({UtcDays.Name(last)})", StatusCodes.Status400BadRequest);
            }

            if (last.DayNumber - first.DayNumber >= CostQueries.MaxDays)
            {
                return StatusEndpoints.Error($"a report covers at most {CostQueries.MaxDays} days", StatusCodes.Status400BadRequest);
            }

            return Results.Json(costs.Report(first, last));
        });
        return endpoints;
    }
}
