using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class ErrorStatusTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnaryAsync_HandlerThrowsRpcException_ClientSeesStatusAndMessage()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Text = "status:9:job is already terminal" }, cancellationToken: Ct));

        Assert.Equal(StatusCode.FailedPrecondition, ex.StatusCode);
        Assert.Equal("job is already terminal", ex.Detail);
    }

    [Fact]
    public async Task UnaryAsync_UnicodeStatusMessage_PercentEncodedOnWireAndDecodedByClient()
    {
        const string detail = "Jöb 100% kaputt ✗ — 再試行";
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();
        using var raw = server.CreateRawClient();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Text = $"status:3:{detail}" }, cancellationToken: Ct));
        var response = await RawGrpc.PostAsync(
            raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest { Text = $"status:3:{detail}" }), cancellationToken: Ct);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(detail, ex.Detail);
        Assert.Equal("J%C3%B6b 100%25 kaputt %E2%9C%97 %E2%80%94 %E5%86%8D%E8%A9%A6%E8%A1%8C", response.Headers["grpc-message"]);
    }

    [Fact]
    public async Task ErrorBeforeAnyMessage_IsTrailersOnlyResponse()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        var response = await RawGrpc.PostAsync(
            raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest { Text = "status:5:no such job" }), cancellationToken: Ct);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("application/grpc", response.Headers["content-type"]);
        Assert.Equal("5", response.Headers["grpc-status"]);
        Assert.Equal("no such job", response.Headers["grpc-message"]);
        Assert.Empty(response.Body);
        Assert.Empty(response.Trailers);
    }

    [Fact]
    public async Task SuccessfulUnary_StatusInTrailers_AfterOneMessage()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        var response = await RawGrpc.PostAsync(raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest { Text = "hi" }), cancellationToken: Ct);

        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
        Assert.False(response.Headers.ContainsKey("grpc-status"));
        Assert.Equal("0", response.Trailers["grpc-status"]);
        Assert.Equal(RawGrpc.Frame(new EchoResponse { Text = "hi" }), response.Body);
    }

    [Fact]
    public async Task ServerStreaming_ErrorAfterMessages_ClientGetsMessagesThenStatus()
    {
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcServerStreaming(TestMethods.Count, async (CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context) =>
            {
                await responses.WriteAsync(new CountResponse { Index = 0 }, context.CancellationToken);
                await responses.WriteAsync(new CountResponse { Index = 1 }, context.CancellationToken);
                context.ResponseTrailers.Add("retry-after-ms", "250");
                throw new RpcException(StatusCode.Unavailable, "conductor is shutting down");
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var indexes = new List<int>();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in channel.ServerStreaming(TestMethods.Count, new CountRequest(), cancellationToken: Ct))
            {
                indexes.Add(message.Index);
            }
        });

        Assert.Equal([0, 1], indexes);
        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
        Assert.Equal("conductor is shutting down", ex.Detail);
        Assert.Equal("250", ex.Trailers.GetValue("retry-after-ms"));
    }

    [Fact]
    public async Task UnaryAsync_HandlerThrowsOrdinaryException_InternalWithoutLeakingDetails()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Text = "throw" }, cancellationToken: Ct));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.DoesNotContain("secret", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryAsync_HandlerSetsStatus_ClientSeesIt()
    {
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcUnary(TestMethods.Echo, (EchoRequest request, ServerCallContext context) =>
            {
                context.Status = new Status(StatusCode.NotFound, "gone");
                return Task.FromResult(new EchoResponse());
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, new EchoRequest(), cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, ex.StatusCode);
        Assert.Equal("gone", ex.Detail);
    }
}
