using AgentConductor.Proto.Grpc;

namespace AgentConductor.Proto.V1;

/// <summary>
/// The rpcs of <c>agentconductor.v1.WorkerService</c> (worker.proto), for <see cref="GrpcChannel"/> calls and
/// <see cref="GrpcEndpointRouteBuilderExtensions"/> mappings. Keep in step with the .proto file.
/// </summary>
public static class WorkerServiceMethods
{
    public const string ServiceName = "agentconductor.v1.WorkerService";

    public static Method<HandshakeRequest, HandshakeResponse> Handshake { get; } = new(MethodType.Unary, ServiceName, "Handshake");

    public static Method<DownloadTaskFilesRequest, TaskFileChunk> DownloadTaskFiles { get; } = new(MethodType.ServerStreaming, ServiceName, "DownloadTaskFiles");

    public static Method<HeartbeatRequest, HeartbeatResponse> Heartbeat { get; } = new(MethodType.Unary, ServiceName, "Heartbeat");

    public static Method<ProgressUpdate, PublishProgressResponse> PublishProgress { get; } = new(MethodType.ClientStreaming, ServiceName, "PublishProgress");

    public static Method<ReportResultRequest, ReportResultResponse> ReportResult { get; } = new(MethodType.Unary, ServiceName, "ReportResult");
}
