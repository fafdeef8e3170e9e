using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Google.Protobuf;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class MessageSizeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EchoRequest Request(int payloadSize) => new() { Payload = ByteString.CopyFrom(new byte[payloadSize]) };

    [Fact]
    public async Task UnaryAsync_RequestOverServerReceiveLimit_ResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, o => o.MaxReceiveMessageSize = 1024, Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, Request(2000), cancellationToken: Ct));
        var ok = await channel.UnaryAsync(TestMethods.Echo, Request(1000), cancellationToken: Ct);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(1000, ok.Payload.Length);
    }

    [Fact]
    public async Task UnaryAsync_DefaultServerLimit_Is4MiB()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = null });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, Request(4 * 1024 * 1024), cancellationToken: Ct));
        var ok = await channel.UnaryAsync(TestMethods.Echo, Request((4 * 1024 * 1024) - 16), cancellationToken: Ct);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal((4 * 1024 * 1024) - 16, ok.Payload.Length);
    }

    [Fact]
    public async Task UnaryAsync_ResponseOverClientReceiveLimit_ResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, o => o.MaxReceiveMessageSize = null, Ct);
        using var channel = server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });
        using var unlimited = server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = null });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, Request(2000), cancellationToken: Ct));
        var ok = await unlimited.UnaryAsync(TestMethods.Echo, Request(2000), cancellationToken: Ct);

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(2000, ok.Payload.Length);
    }

    [Fact]
    public async Task UnaryAsync_RequestOverClientSendLimit_FailsBeforeSending()
    {
        var calls = 0;
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcUnary(TestMethods.Echo, (EchoRequest request, ServerCallContext context) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(new EchoResponse());
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 100 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, Request(200), cancellationToken: Ct));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task UnaryAsync_ResponseOverServerSendLimit_ResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, o => o.MaxSendMessageSize = 100, Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, Request(200), cancellationToken: Ct));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Fact]
    public async Task ClientStreamingAsync_MessageOverServerLimit_ResourceExhausted()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, o => o.MaxReceiveMessageSize = 1024, Ct);
        using var channel = server.CreateChannel();

        var requests = new[] { new SumRequest { Value = 1 }, new SumRequest { Payload = ByteString.CopyFrom(new byte[5000]) } }.ToAsyncEnumerable();
        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.ClientStreamingAsync(TestMethods.Sum, requests, cancellationToken: Ct));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}
