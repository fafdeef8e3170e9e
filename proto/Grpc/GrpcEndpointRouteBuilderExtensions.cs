using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// Maps gRPC methods onto endpoint routing (the stand-in for Grpc.AspNetCore's <c>MapGrpcService</c>).
/// Each method is a POST endpoint at its path; <see cref="MapGrpcUnimplemented"/> answers every other
/// gRPC request with UNIMPLEMENTED.
/// </summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string path, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
        => Map(endpoints, path, ServerCallHandlers.Unary(path, handler, CreateRuntime(endpoints)));

    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => endpoints.MapGrpcUnary(method.FullName, handler);

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string path, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
        => Map(endpoints, path, ServerCallHandlers.ServerStreaming(path, handler, CreateRuntime(endpoints)));

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => endpoints.MapGrpcServerStreaming(method.FullName, handler);

    public static IEndpointConventionBuilder MapGrpcClientStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, string path, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
        => Map(endpoints, path, ServerCallHandlers.ClientStreaming(path, handler, CreateRuntime(endpoints)));

    public static IEndpointConventionBuilder MapGrpcClientStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints, Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
        => endpoints.MapGrpcClientStreaming(method.FullName, handler);

    /// <summary>
    /// A fallback endpoint: a gRPC request (by content type) for any path no method is mapped at gets a
    /// trailers-only UNIMPLEMENTED; anything else gets 404.
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcUnimplemented(this IEndpointRouteBuilder endpoints)
        => endpoints.MapFallback("{**path}", context =>
        {
            if (!GrpcProtocol.IsGrpcContentType(context.Request.ContentType))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            var headers = context.Response.Headers;
            context.Response.ContentType = GrpcProtocol.ContentType;
            headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;
            headers[GrpcProtocol.StatusHeader] = "12";
            headers[GrpcProtocol.MessageHeader] = GrpcMessageEncoding.Encode($"Method '{context.Request.Path}' is unimplemented.");
            return Task.CompletedTask;
        });

    private static IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, string path, RequestDelegate handler)
    {
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"A gRPC method path starts with '/': '{path}'.", nameof(path));
        }

        return endpoints.Map(path, handler).WithDisplayName($"gRPC {path}");
    }

    private static GrpcServerRuntime CreateRuntime(IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        var options = services.GetService<IOptions<GrpcServerOptions>>()?.Value ?? new GrpcServerOptions();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("AgentConductor.Proto.Grpc.Server") ?? NullLogger.Instance;
        return new GrpcServerRuntime(options, services.GetService<TimeProvider>() ?? TimeProvider.System, logger);
    }
}
