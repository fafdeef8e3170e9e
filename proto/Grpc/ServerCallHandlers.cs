using Google.Protobuf;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.Proto.Grpc;

/// <summary>Turns gRPC handlers into ASP.NET Core request delegates.</summary>
internal static class ServerCallHandlers
{
    public static RequestDelegate Unary<TRequest, TResponse>(string method, UnaryServerMethod<TRequest, TResponse> handler, GrpcServerRuntime runtime)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        var parser = new MessageParser<TRequest>(() => new TRequest());
        return context => RunAsync(context, method, runtime, async call =>
        {
            var request = await call.ReadSingleMessageAsync(parser, call.CancellationToken);
            var response = await handler(request, call)
                ?? throw new InvalidOperationException($"The handler of {method} returned no response.");
            await call.WriteMessageAsync(response, flush: false, call.CancellationToken);
        });
    }

    public static RequestDelegate ServerStreaming<TRequest, TResponse>(string method, ServerStreamingServerMethod<TRequest, TResponse> handler, GrpcServerRuntime runtime)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        var parser = new MessageParser<TRequest>(() => new TRequest());
        return context => RunAsync(context, method, runtime, async call =>
        {
            var request = await call.ReadSingleMessageAsync(parser, call.CancellationToken);
            await handler(request, new HttpResponseStreamWriter<TResponse>(call), call);
        });
    }

    public static RequestDelegate ClientStreaming<TRequest, TResponse>(string method, ClientStreamingServerMethod<TRequest, TResponse> handler, GrpcServerRuntime runtime)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        var parser = new MessageParser<TRequest>(() => new TRequest());
        return context => RunAsync(context, method, runtime, async call =>
        {
            var response = await handler(new HttpRequestStreamReader<TRequest>(call, parser), call)
                ?? throw new InvalidOperationException($"The handler of {method} returned no response.");
            await call.WriteMessageAsync(response, flush: false, call.CancellationToken);
        });
    }

    private static async Task RunAsync(HttpContext context, string method, GrpcServerRuntime runtime, Func<GrpcServerCall, Task> body)
    {
        using var call = new GrpcServerCall(context, method, runtime);
        if (!await call.StartAsync(context.RequestAborted))
        {
            return;
        }

        Exception? failure = null;
        try
        {
            await body(call);
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        call.Complete(failure);
    }
}
