using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Shutdown;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>GET /v1/status</c> (gate, SQS intake, counts), <c>/v1/jobs</c> (newest first, <c>?state=&amp;kind=&amp;limit=</c>),
/// <c>/v1/jobs/{id}</c> (everything stored about one job), <c>/v1/queue</c> (pending jobs in dispatch order with why each
/// waits), <c>/v1/incidents</c> and <c>/v1/incidents/{id}</c> (with its alarms). A job's log: <see cref="LogEndpoints"/>.
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
                endedJobs = byState.Where(s => JobStates.IsTerminal(JobStates.Parse(s.Key))).Sum(s => s.Value),
                jobsByState = byState,
                sqs = services.GetService<SqsIntakeStatus>()?.Snapshot(),
            });
        });

        endpoints.MapGet("/v1/jobs", (StatusQueries queries, string? state, string? kind, int? limit) =>
        {
            if (state is not null && !IsState(state))
            {
                return Error($"unknown state '{state}' (one of: {string.Join(", ", Enum.GetValues<JobState>().Select(JobStates.ToName))})", StatusCodes.Status400BadRequest);
            }

            if (kind is not null and not (JobKinds.Ticket or JobKinds.Incident or JobKinds.FollowUp))
            {
                return Error($"unknown kind '{kind}' ({JobKinds.Ticket}, {JobKinds.Incident} or {JobKinds.FollowUp})", StatusCodes.Status400BadRequest);
            }

            return Results.Json(new { jobs = queries.Jobs(state, kind, Limit(limit)) });
        });

        endpoints.MapGet("/v1/jobs/{id}", (StatusQueries queries, LineageQueries lineage, string id) =>
            queries.JobDetail(id) is { } detail
                ? Results.Json(detail with { Lineage = lineage.For(id) })
                : Error($"no job {id}", StatusCodes.Status404NotFound));

        endpoints.MapGet("/v1/queue", (StatusQueries queries, int? limit) => Results.Json(new { queue = queries.Queue(Limit(limit)) }));

        endpoints.MapGet("/v1/incidents", (StatusQueries queries, int? limit) => Results.Json(new { incidents = queries.Incidents(Limit(limit)) }));

        endpoints.MapGet("/v1/incidents/{id}", (StatusQueries queries, string id) =>
            long.TryParse(id, out var number) && queries.Incident(number) is { } incident
                ? Results.Json(incident)
                : Error($"no incident {id}", StatusCodes.Status404NotFound));
        return endpoints;
    }

    public static IResult Error(string message, int status) => Results.Json(new { error = message }, statusCode: status);

    private static int Limit(int? limit) => Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);

    private static bool IsState(string name) => Enum.GetValues<JobState>().Any(s => JobStates.ToName(s) == name);
}
