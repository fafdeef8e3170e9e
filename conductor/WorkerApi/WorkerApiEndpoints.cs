using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.WorkerApi;

internal static class WorkerApiEndpoints
{
    /// <summary>
    /// Maps <c>agentconductor.v1.WorkerService</c>. Every endpoint answers only on the worker listener: on any other
    /// port (the HTTP API) the request gets 404 before any gRPC handling.
    /// </summary>
    public static IEndpointRouteBuilder MapWorkerApi(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var service = services.GetRequiredService<WorkerService>();
        var streamer = services.GetRequiredService<TaskFileStreamer>();
        var progress = services.GetRequiredService<ProgressReceiver>();
        var listener = services.GetRequiredService<WorkerListener>();
        IEndpointConventionBuilder[] mapped =
        [
            endpoints.MapGrpcUnary(WorkerServiceMethods.Handshake, service.HandshakeAsync),
            endpoints.MapGrpcServerStreaming(WorkerServiceMethods.DownloadTaskFiles, streamer.DownloadAsync),
            endpoints.MapGrpcUnary(WorkerServiceMethods.Heartbeat, service.HeartbeatAsync),
            endpoints.MapGrpcClientStreaming(WorkerServiceMethods.PublishProgress, progress.PublishAsync),
            endpoints.MapGrpcUnary(WorkerServiceMethods.ReportResult, service.ReportResultAsync),
        ];
        foreach (var endpoint in mapped)
        {
            endpoint.Add(builder =>
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
        }

        return endpoints;
    }
}
