using System.Security.Cryptography;
using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;

namespace AgentConductor.Proto.Tests.Grpc;

/// <summary>Our Kestrel server as seen by @grpc/grpc-js, an independent gRPC implementation.</summary>
public sealed class GrpcJsInteropTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Unary_Echo_GrpcJsReceivesResponse()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(server.Address, "Echo", "unary", ["--request", """{"text":"grüße"}"""], Ct);

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("grüße", result.GetProperty("response").GetProperty("text").GetString());
    }

    [Fact]
    public async Task Unary_AuthorizationMetadata_ReachesHandler()
    {
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcUnary(TestMethods.Echo, (EchoRequest request, ServerCallContext context) =>
                Task.FromResult(new EchoResponse { Text = context.RequestHeaders.GetValue("authorization") ?? "none" })),
            cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(server.Address, "Echo", "unary", ["--metadata", "authorization=Bearer t0k3n"], Ct);

        Assert.Equal("Bearer t0k3n", result.GetProperty("response").GetProperty("text").GetString());
    }

    [Fact]
    public async Task ServerStreaming_MultiMiBPayload_GrpcJsVerifiesSha256()
    {
        const long size = (8 * 1024 * 1024) + 12345;
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(
            server.Address, "Download", "server-stream", ["--request", $$"""{"size":{{size}},"chunkSize":65536}""", "--data-field", "data"], Ct);

        var expected = new byte[size];
        for (long i = 0; i < size; i++)
        {
            expected[i] = TestService.PatternByte(i);
        }

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(size, result.GetProperty("dataBytes").GetInt64());
        Assert.Equal(129, result.GetProperty("messageCount").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), result.GetProperty("dataSha256").GetString());
    }

    [Fact]
    public async Task ServerStreaming_Count_GrpcJsReceivesAllInOrder()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(server.Address, "Count", "server-stream", ["--request", """{"count":100,"payloadSize":3}"""], Ct);

        var messages = result.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal(Enumerable.Range(0, 100), messages.Select(m => m.GetProperty("index").GetInt32()));
    }

    [Fact]
    public async Task ClientStreaming_Sum_ServerReceivesAllGrpcJsMessages()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        var requests = "[" + string.Join(",", Enumerable.Range(1, 100).Select(i => $$"""{"value":{{i}}}""")) + "]";

        var result = await NodeInteropClient.RunAsync(server.Address, "Sum", "client-stream", ["--requests", requests], Ct);

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        Assert.Equal("5050", result.GetProperty("response").GetProperty("sum").GetString());
        Assert.Equal(100, result.GetProperty("response").GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Deadline_Expires_GrpcJsSeesDeadlineExceeded()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(server.Address, "Echo", "unary", ["--request", """{"text":"wait"}""", "--deadline-ms", "200"], Ct);

        Assert.Equal((int)StatusCode.DeadlineExceeded, result.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task ErrorStatus_WithUnicodeMessage_GrpcJsSeesCodeAndDetails()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(
            server.Address, "Echo", "unary", ["--request", """{"text":"status:7:kein Zugriff auf Job ✗ (100%)"}"""], Ct);

        Assert.Equal((int)StatusCode.PermissionDenied, result.GetProperty("code").GetInt32());
        Assert.Equal("kein Zugriff auf Job ✗ (100%)", result.GetProperty("details").GetString());
    }

    [Fact]
    public async Task ErrorStatus_AfterMessages_GrpcJsSeesMessagesThenStatus()
    {
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcServerStreaming(TestMethods.Count, async (CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context) =>
            {
                await responses.WriteAsync(new CountResponse { Index = 7 }, context.CancellationToken);
                throw new RpcException(StatusCode.Aborted, "stopped");
            }),
            cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(server.Address, "Count", "server-stream", [], Ct);

        Assert.Equal((int)StatusCode.Aborted, result.GetProperty("code").GetInt32());
        Assert.Equal("stopped", result.GetProperty("details").GetString());
        Assert.Equal(1, result.GetProperty("messageCount").GetInt32());
    }

    [Fact]
    public async Task UnknownMethod_GrpcJsSeesUnimplemented()
    {
        await using var server = await GrpcTestServer.StartAsync(e => e.MapGrpcUnary(TestMethods.Echo, (EchoRequest r, ServerCallContext c) => Task.FromResult(new EchoResponse())), cancellationToken: Ct);

        var result = await NodeInteropClient.RunAsync(server.Address, "Count", "server-stream", [], Ct);

        Assert.Equal((int)StatusCode.Unimplemented, result.GetProperty("code").GetInt32());
    }
}
