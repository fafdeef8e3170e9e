using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>The request stream of a client-streaming server call.</summary>
internal sealed class HttpRequestStreamReader<T>(GrpcServerCall call, MessageParser<T> parser) : IAsyncStreamReader<T>
    where T : class, IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true.");

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        using var linked = Link(call.CancellationToken, cancellationToken);
        _current = await call.ReadMessageAsync(parser, linked?.Token ?? call.CancellationToken);
        return _current is not null;
    }

    internal static CancellationTokenSource? Link(CancellationToken callToken, CancellationToken cancellationToken)
        => cancellationToken.CanBeCanceled && cancellationToken != callToken
            ? CancellationTokenSource.CreateLinkedTokenSource(callToken, cancellationToken)
            : null;
}
