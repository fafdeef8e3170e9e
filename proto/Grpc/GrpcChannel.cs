using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// A gRPC client over <see cref="HttpClient"/>'s HTTP/2 (h2c for <c>http://</c>, TLS with ALPN for
/// <c>https://</c>); the stand-in for Grpc.Net.Client's <c>GrpcChannel</c> + <c>CallInvoker</c>.
/// Thread-safe; create one per conductor address and reuse it.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"A gRPC address is http:// or https://, not '{address}'.", nameof(address));
        }

        Address = address;
        Options = options;
        var disposeHandler = options.HttpHandler is null || options.DisposeHttpHandler;
        Invoker = new HttpMessageInvoker(options.HttpHandler ?? CreateDefaultHandler(), disposeHandler);
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:5001</c>.</summary>
    public Uri Address { get; }

    internal GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null) => new(address, options ?? new GrpcChannelOptions());

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) => ForAddress(new Uri(address), options);

    /// <summary>Calls a unary method.</summary>
    /// <exception cref="RpcException">The call ended with a status other than OK.</exception>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = new GrpcClientCall<TRequest, TResponse>(this, method, options);
        await call.StartAsync(GrpcClientCall<TRequest, TResponse>.CreateSingleMessageContent(request, Options.MaxSendMessageSize), cancellationToken);
        return await ReadSingleResponseAsync(call, cancellationToken);
    }

    /// <summary>
    /// Calls a server-streaming method. Messages are read from the network as the sequence is enumerated,
    /// one at a time; stopping the enumeration early cancels the call.
    /// </summary>
    /// <exception cref="RpcException">The call ended with a status other than OK (thrown by the enumeration).</exception>
    public async IAsyncEnumerable<TResponse> ServerStreaming<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        TRequest request,
        CallOptions options = default,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = new GrpcClientCall<TRequest, TResponse>(this, method, options);
        await call.StartAsync(GrpcClientCall<TRequest, TResponse>.CreateSingleMessageContent(request, Options.MaxSendMessageSize), cancellationToken);
        while (await call.ReadMessageAsync(cancellationToken) is { } message)
        {
            yield return message;
        }

        call.ThrowIfNotOk();
    }

    /// <summary>
    /// Calls a client-streaming method: each message of <paramref name="requests"/> is sent (and flushed)
    /// as it is produced; the response arrives after the sequence ends.
    /// </summary>
    /// <exception cref="RpcException">The call ended with a status other than OK.</exception>
    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        IAsyncEnumerable<TRequest> requests,
        CallOptions options = default,
        CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        using var call = new GrpcClientCall<TRequest, TResponse>(this, method, options);
        await call.StartAsync(new ClientStreamingContent<TRequest>(requests, Options.MaxSendMessageSize), cancellationToken);
        return await ReadSingleResponseAsync(call, cancellationToken);
    }

    public void Dispose() => Invoker.Dispose();

    private static async Task<TResponse> ReadSingleResponseAsync<TRequest, TResponse>(GrpcClientCall<TRequest, TResponse> call, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var response = await call.ReadMessageAsync(cancellationToken);
        if (response is not null && await call.ReadMessageAsync(cancellationToken) is not null)
        {
            throw new RpcException(StatusCode.Internal, "Bad gRPC response. More than one message for a method that returns one.");
        }

        call.ThrowIfNotOk();
        return response ?? throw new RpcException(StatusCode.Internal, "Bad gRPC response. No message for a method that returns one.");
    }

    private static SocketsHttpHandler CreateDefaultHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
    };
}
