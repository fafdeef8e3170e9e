namespace AgentConductor.Proto.Grpc;

/// <summary>Settings of a <see cref="GrpcChannel"/>.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>The handler to send requests with; null: a <see cref="SocketsHttpHandler"/> tuned for gRPC.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/> (the default handler is always disposed).</summary>
    public bool DisposeHttpHandler { get; set; }

    /// <summary>Largest response message accepted; larger ones fail the call with RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest request message sent; larger ones fail the call with RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>The clock deadlines are measured with.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
