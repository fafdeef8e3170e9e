namespace AgentConductor.Proto.Grpc;

/// <summary>Limits of the gRPC server; register with <see cref="GrpcServiceCollectionExtensions.AddGrpcServer"/>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest message the server accepts; larger ones fail the call with RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest message a handler may send; larger ones fail the call with RESOURCE_EXHAUSTED. Null: no limit.</summary>
    public int? MaxSendMessageSize { get; set; }
}
