using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Microsoft.AspNetCore.Http.Features;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class DeadlineAndCancellationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UnaryAsync_DeadlineExpires_ClientGetsDeadlineExceededAndServerTokenFires()
    {
        var serverCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(e => MapWaitingEcho(e, serverCancelled, serverStarted), cancellationToken: Ct);
        using var channel = server.CreateChannel();

        // Long enough for the call to reach the handler on a loaded machine: with 200 ms the deadline sometimes passed
        // before the request went out, the client failed without calling, and the server's token never fired.
        var call = channel.UnaryAsync(TestMethods.Echo, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(3)), Ct);
        await serverStarted.Task.WaitAsync(Patience, Ct);
        var ex = await Assert.ThrowsAsync<RpcException>(() => call);

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        await serverCancelled.Task.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task Server_GrpcTimeoutHeaderExpires_SendsDeadlineExceededStatus()
    {
        var serverCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(e => MapWaitingEcho(e, serverCancelled), cancellationToken: Ct);
        using var raw = server.CreateRawClient();

        // No client-side deadline: the status can only come from the server's own timer.
        var response = await RawGrpc.PostAsync(
            raw, TestMethods.Echo.FullName, RawGrpc.Frame(new EchoRequest()), headers: [("grpc-timeout", "150m")], cancellationToken: Ct);

        Assert.Equal("4", response.Headers["grpc-status"]);
        Assert.True(serverCancelled.Task.IsCompleted);
    }

    [Fact]
    public async Task UnaryAsync_DeadlineAlreadyPassed_FailsWithoutCallingServer()
    {
        var calls = 0;
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcUnary(TestMethods.Echo, (EchoRequest request, ServerCallContext context) =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult(new EchoResponse());
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(
            TestMethods.Echo, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1)), Ct));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task UnaryAsync_ClientCancels_ServerHandlerTokenFires()
    {
        var serverCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serverStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(e => MapWaitingEcho(e, serverCancelled, serverStarted), cancellationToken: Ct);
        using var channel = server.CreateChannel();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = channel.UnaryAsync(TestMethods.Echo, new EchoRequest(), cancellationToken: cts.Token);
        await serverStarted.Task.WaitAsync(Patience, Ct);
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        await serverCancelled.Task.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task ServerStreaming_ClientStopsEnumerating_ServerHandlerTokenFires()
    {
        var serverCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcServerStreaming(TestMethods.Count, async (CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context) =>
            {
                using var registration = context.CancellationToken.Register(() => serverCancelled.TrySetResult());
                for (var i = 0; ; i++)
                {
                    await responses.WriteAsync(new CountResponse { Index = i }, context.CancellationToken);
                }
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        await foreach (var message in channel.ServerStreaming(TestMethods.Count, new CountRequest(), cancellationToken: Ct))
        {
            if (message.Index == 10)
            {
                break;
            }
        }

        await serverCancelled.Task.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task ServerStreaming_ServerResetsStreamWithCancel_ClientGetsCancelled()
    {
        var clientGotFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcServerStreaming(TestMethods.Count, async (CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context) =>
            {
                await responses.WriteAsync(new CountResponse { Index = 0 }, context.CancellationToken);
                await clientGotFirst.Task.WaitAsync(context.CancellationToken);
                context.GetHttpContext().Features.GetRequiredFeature<IHttpResetFeature>().Reset(0x8);
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var indexes = new List<int>();
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var message in channel.ServerStreaming(TestMethods.Count, new CountRequest(), cancellationToken: Ct))
            {
                indexes.Add(message.Index);
                clientGotFirst.TrySetResult();
            }
        });

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal([0], indexes);
    }

    [Fact]
    public async Task UnaryAsync_ServerCancelsWithStatus_ClientGetsCancelled()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() =>
            channel.UnaryAsync(TestMethods.Echo, new EchoRequest { Text = "status:1:job cancelled by operator" }, cancellationToken: Ct));

        Assert.Equal(StatusCode.Cancelled, ex.StatusCode);
        Assert.Equal("job cancelled by operator", ex.Detail);
    }

    private static void MapWaitingEcho(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, TaskCompletionSource cancelled, TaskCompletionSource? started = null)
        => endpoints.MapGrpcUnary(TestMethods.Echo, async (EchoRequest request, ServerCallContext context) =>
        {
            using var registration = context.CancellationToken.Register(() => cancelled.TrySetResult());
            started?.TrySetResult();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return new EchoResponse();
        });
}
