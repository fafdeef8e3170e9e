using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Google.Protobuf;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class UnaryCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnaryAsync_Echo_ReturnsServerResponse()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var response = await channel.UnaryAsync(
            TestMethods.Echo, new EchoRequest { Text = "hello", Payload = ByteString.CopyFrom(1, 2, 3) }, cancellationToken: Ct);

        Assert.Equal("hello", response.Text);
        Assert.Equal([1, 2, 3], response.Payload.ToByteArray());
    }

    [Fact]
    public async Task UnaryAsync_CallOptionsHeaders_VisibleToHandlerWithDeadline()
    {
        string? authorization = null;
        var deadline = DateTime.MinValue;
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcUnary(TestMethods.Echo, (EchoRequest request, ServerCallContext context) =>
            {
                authorization = context.RequestHeaders.GetValue("authorization");
                deadline = context.Deadline;
                return Task.FromResult(new EchoResponse { Text = context.Method });
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();
        var headers = new Metadata { { "Authorization", "Bearer job-token" } };

        var response = await channel.UnaryAsync(
            TestMethods.Echo, new EchoRequest(), new CallOptions(headers, DateTime.UtcNow.AddMinutes(5)), Ct);

        Assert.Equal("/agentconductor.test.v1.TestService/Echo", response.Text);
        Assert.Equal("Bearer job-token", authorization);
        Assert.InRange(deadline, DateTime.UtcNow.AddMinutes(4), DateTime.UtcNow.AddMinutes(6));
    }

    [Fact]
    public async Task UnaryAsync_ManyConcurrentCalls_AllSucceed()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Text = $"m{i}" }, cancellationToken: Ct)));

        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"m{i}"), responses.Select(r => r.Text));
    }
}
