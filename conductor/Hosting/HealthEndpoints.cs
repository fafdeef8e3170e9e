using AgentConductor.Conductor.Intake.Sqs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Hosting;

internal static class HealthEndpoints
{
    /// <summary>
    /// <c>/healthz/live</c>: the process answers. <c>/healthz/ready</c>: the database answers too, and the SQS intake (when
    /// configured) is not refused by SQS (access denied, no such queue).
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz/live", () => Results.Text("live"));
        endpoints.MapGet("/healthz/ready", (ConductorDatabase database, IServiceProvider services) =>
        {
            if (services.GetService<SqsIntakeStatus>() is { IsHealthy: false } sqs)
            {
                return Results.Problem(title: "SQS intake refused", detail: sqs.Snapshot().Problem, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            try
            {
                using var connection = database.OpenConnection();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1";
                command.ExecuteScalar();
                return Results.Text("ready");
            }
            catch (Exception ex)
            {
                return Results.Problem(title: "database unavailable", detail: ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return endpoints;
    }
}
