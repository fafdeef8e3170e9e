using System.Runtime.CompilerServices;
using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class StreamingCallTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerStreaming_ManyMessages_ArriveInOrder()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var received = new List<CountResponse>();
        await foreach (var message in channel.ServerStreaming(TestMethods.Count, new CountRequest { Count = 2000, PayloadSize = 100 }, cancellationToken: Ct))
        {
            received.Add(message);
        }

        Assert.Equal(Enumerable.Range(0, 2000), received.Select(m => m.Index));
        Assert.All(received, m => Assert.Equal(Enumerable.Repeat((byte)m.Index, 100), m.Payload.ToByteArray()));
    }

    [Fact]
    public async Task ServerStreaming_FirstMessage_ArrivesBeforeServerFinishes()
    {
        var clientGotFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcServerStreaming(TestMethods.Count, async (CountRequest request, IServerStreamWriter<CountResponse> responses, ServerCallContext context) =>
            {
                await responses.WriteAsync(new CountResponse { Index = 0 }, context.CancellationToken);
                await clientGotFirst.Task.WaitAsync(context.CancellationToken);
                await responses.WriteAsync(new CountResponse { Index = 1 }, context.CancellationToken);
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var indexes = new List<int>();
        await foreach (var message in channel.ServerStreaming(TestMethods.Count, new CountRequest(), cancellationToken: Ct))
        {
            indexes.Add(message.Index);
            clientGotFirst.TrySetResult();
        }

        Assert.Equal([0, 1], indexes);
    }

    [Fact]
    public async Task ServerStreaming_NoMessages_CompletesEmpty()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var count = 0;
        await foreach (var unused in channel.ServerStreaming(TestMethods.Count, new CountRequest { Count = 0 }, cancellationToken: Ct))
        {
            count++;
        }

        Assert.Equal(0, count);
    }

    [Fact]
    public async Task ClientStreamingAsync_ManyMessages_ServerReceivesAll()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        var response = await channel.ClientStreamingAsync(TestMethods.Sum, Values(1000, Ct), cancellationToken: Ct);

        Assert.Equal(1000, response.Count);
        Assert.Equal(1000L * 1001 / 2, response.Sum);
    }

    [Fact]
    public async Task ClientStreamingAsync_EachMessage_ReachesServerBeforeNextIsProduced()
    {
        var serverGotFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await GrpcTestServer.StartAsync(
            e => e.MapGrpcClientStreaming(TestMethods.Sum, async (IAsyncStreamReader<SumRequest> requests, ServerCallContext context) =>
            {
                var response = new SumResponse();
                await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
                {
                    response.Sum += request.Value;
                    response.Count++;
                    serverGotFirst.TrySetResult();
                }

                return response;
            }),
            cancellationToken: Ct);
        using var channel = server.CreateChannel();

        async IAsyncEnumerable<SumRequest> Requests([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            yield return new SumRequest { Value = 40 };
            await serverGotFirst.Task.WaitAsync(cancellationToken);
            yield return new SumRequest { Value = 2 };
        }

        var response = await channel.ClientStreamingAsync(TestMethods.Sum, Requests(Ct), cancellationToken: Ct);

        Assert.Equal(42, response.Sum);
        Assert.Equal(2, response.Count);
    }

    [Fact]
    public async Task ClientStreamingAsync_SequenceThrows_CallerSeesThatException()
    {
        await using var server = await GrpcTestServer.StartAsync(TestService.Map, cancellationToken: Ct);
        using var channel = server.CreateChannel();

        async IAsyncEnumerable<SumRequest> Failing()
        {
            yield return new SumRequest { Value = 1 };
            await Task.Yield();
            throw new InvalidDataException("producer failed");
        }

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => channel.ClientStreamingAsync(TestMethods.Sum, Failing(), cancellationToken: Ct));

        Assert.Equal("producer failed", ex.Message);
    }

    private static async IAsyncEnumerable<SumRequest> Values(int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new SumRequest { Value = i };
            if (i % 100 == 0)
            {
                await Task.Yield();
            }
        }
    }
}
