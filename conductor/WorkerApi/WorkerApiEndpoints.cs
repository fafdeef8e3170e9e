namespace AgentConductor.Conductor.WorkerApi;

internal static class WorkerApiEndpoints
{
    /// <summary>
    /// Maps <c>agentconductor.v1.WorkerService</c> (<see cref="WorkerService"/>). Every endpoint answers only on the worker
    /// listener: on any other port (the HTTP API) the request gets 404 before any gRPC handling.
    /// </summary>
    public static IEndpointRouteBuilder MapWorkerApi(this IEndpointRouteBuilder endpoints)
    {
        var listener = endpoints.ServiceProvider.GetRequiredService<WorkerListener>();
        endpoints.MapGrpcService<WorkerService>().Add(builder =>
        {
            var inner = builder.RequestDelegate!;
            builder.RequestDelegate = context =>
            {
                if (listener.Serves(context))
                {
                    return inner(context);
                }

                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            };
        });
        return endpoints;
    }
}
