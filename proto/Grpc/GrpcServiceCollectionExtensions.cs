using Microsoft.Extensions.DependencyInjection;

namespace AgentConductor.Proto.Grpc;

/// <summary>Registers the gRPC server's options (the stand-in for Grpc.AspNetCore's <c>AddGrpc</c>).</summary>
public static class GrpcServiceCollectionExtensions
{
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        var builder = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }

        return services;
    }
}
