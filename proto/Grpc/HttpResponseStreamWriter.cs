using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>The response stream of a server-streaming server call; every message is flushed.</summary>
internal sealed class HttpResponseStreamWriter<T>(GrpcServerCall call) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    public async Task WriteAsync(T message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        using var linked = HttpRequestStreamReader<T>.Link(call.CancellationToken, cancellationToken);
        await call.WriteMessageAsync(message, flush: true, linked?.Token ?? call.CancellationToken);
    }
}
