using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class ProtocolTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("agentconductor.test.v1.TestService", "NoSuchMethod")]
    [InlineData("agentconductor.test.v1.NoSuchService", "Echo")]
    public async Task UnknownMethod_Unimplemented(string service, string method)
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(new Method<EchoRequest, EchoResponse>(MethodType.Unary, service, method), new EchoRequest(), cancellationToken: Ct));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains(method, ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompressedFrame_WithoutNegotiatedEncoding_InternalWithClearMessage()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        var response = await RawGrpc.PostAsync(raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest { Text = "x" }, compressedFlag: 1), cancellationToken: Ct);

        Assert.Equal("13", response.Headers["grpc-status"]);
        Assert.Contains("compressed", response.Headers["grpc-message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedGrpcEncoding_UnimplementedAndAdvertisesIdentity()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        var response = await RawGrpc.PostAsync(
            raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest()), headers: [("grpc-encoding", "gzip")], cancellationToken: Ct);

        Assert.Equal("12", response.Headers["grpc-status"]);
        Assert.Equal("identity", response.Headers["grpc-accept-encoding"]);
    }

    [Theory]
    [InlineData("application/json", 415)]
    [InlineData("application/grpc+json", 415)]
    [InlineData("application/grpc+proto", 200)]
    [InlineData("application/grpc; charset=utf-8", 200)]
    public async Task ContentType_OnlyGrpcProtoAccepted(string contentType, int expectedStatus)
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        var response = await RawGrpc.PostAsync(raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest { Text = "a" }), contentType, cancellationToken: Ct);

        Assert.Equal(expectedStatus, response.StatusCode);
        Assert.Equal(expectedStatus == 200 ? "0" : null, response.Trailers.GetValueOrDefault("grpc-status"));
    }

    [Fact]
    public async Task UnaryRequest_WithoutMessage_Internal()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        var response = await RawGrpc.PostAsync(raw, TestMethods.Echo.FullName, [], cancellationToken: Ct);

        Assert.Equal("13", response.Headers["grpc-status"]);
    }

    [Theory]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(415, StatusCode.Unknown)]
    public async Task Client_NonOkHttpStatus_MappedToGrpcStatus(int httpStatus, StatusCode expected)
    {
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapPost("/plain/{status:int}", (HttpContext context, int status) => context.Response.StatusCode = status),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(new Method<EchoRequest, EchoResponse>(MethodType.Unary, "plain", $"{httpStatus}"), new EchoRequest(), cancellationToken: Ct));

        Assert.Equal(expected, ex.StatusCode);
    }

    [Fact]
    public async Task Client_ServerNotListening_Unavailable()
    {
        Uri address;
        await using (var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct))
        {
            address = server.Address;
        }

        using var channel = GrpcChannel.ForAddress(address);
        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestMethods.Echo, new EchoRequest(), cancellationToken: Ct));

        Assert.Equal(StatusCode.Unavailable, ex.StatusCode);
    }
}
