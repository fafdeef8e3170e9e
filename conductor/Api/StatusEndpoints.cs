using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Shutdown;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>GET /v1/status</c> (gate, counts), <c>/v1/jobs</c> (newest first, <c>?state=&amp;limit=</c>),
/// <c>/v1/jobs/{id}</c> (with its audit trail), <c>/v1/incidents</c>.
/// </summary>
internal static class StatusEndpoints
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapStatus(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/status", (StatusQueries queries, ShutdownGate gate, IServiceProvider services) =>
        {
            var byState = queries.JobsByState();
            return Results.Json(new
            {
                gate = gate.Phase.ToString(),
                draining = gate.IsClosed,
                activeJobs = JobStates.Active.Sum(s => byState.GetValueOrDefault(JobStates.ToName(s))),
                pendingJobs = byState.GetValueOrDefault(JobStates.ToName(JobState.Pending)),
                jobsByState = byState,
                sqs = services.GetService<SqsIntakeStatus>()?.Snapshot(),
            });
        });

        endpoints.MapGet("/v1/jobs", (StatusQueries queries, string? state, int? limit) =>
        {
            if (state is not null && !IsState(state))
            {
                return Results.Json(new { error = $"unknown state '{state}'" }, statusCode: StatusCodes.Status400BadRequest);
            }

            return Results.Json(new { jobs = queries.Jobs(state, Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit)) });
        });

        endpoints.MapGet("/v1/jobs/{id}", (StatusQueries queries, LineageQueries lineage, string id) =>
            queries.Job(id) is { } job
                ? Results.Json(new { job, events = queries.JobEvents(id), lineage = lineage.For(id) })
                : Results.Json(new { error = $"no job {id}" }, statusCode: StatusCodes.Status404NotFound));

        endpoints.MapGet("/v1/incidents", (StatusQueries queries, int? limit) =>
            Results.Json(new { incidents = queries.Incidents(Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit)) }));
        return endpoints;
    }

    private static bool IsState(string name)
    {
        try
        {
            JobStates.Parse(name);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
