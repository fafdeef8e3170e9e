using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;

namespace AgentConductor.Proto.Tests.Grpc;

internal static class TestMethods
{
    public const string ServiceName = "agentconductor.test.v1.TestService";

    public static Method<EchoRequest, EchoResponse> Echo { get; } = new(MethodType.Unary, ServiceName, "Echo");

    public static Method<CountRequest, CountResponse> Count { get; } = new(MethodType.ServerStreaming, ServiceName, "Count");

    public static Method<SumRequest, SumResponse> Sum { get; } = new(MethodType.ClientStreaming, ServiceName, "Sum");

    public static Method<DownloadRequest, DataChunk> Download { get; } = new(MethodType.ServerStreaming, ServiceName, "Download");
}
