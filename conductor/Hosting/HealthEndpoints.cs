using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Hosting;

internal static class HealthEndpoints
{
    /// <summary><c>/healthz/live</c>: the process answers. <c>/healthz/ready</c>: the database answers too.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz/live", () => Results.Text("live"));
        endpoints.MapGet("/healthz/ready", (ConductorDatabase database) =>
        {
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
