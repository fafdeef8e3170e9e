using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Google.Protobuf;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class StreamMessageReaderTests
{
    private static readonly MessageParser<EchoRequest> Parser = new(() => new EchoRequest());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadMessageAsync_SmallAndLargeMessagesBackToBack_ReadsAllThenNull()
    {
        var large = new EchoRequest { Payload = ByteString.CopyFrom(Enumerable.Range(0, 300_000).Select(i => (byte)i).ToArray()) };
        var bytes = RawGrpc.Frame(new EchoRequest { Text = "a" }).Concat(RawGrpc.Frame(large)).Concat(RawGrpc.Frame(new EchoRequest { Text = "b" })).ToArray();
        using var reader = new StreamMessageReader(new TrickleStream(bytes, 7), maxMessageSize: null);

        var first = await reader.ReadMessageAsync(Parser, Ct);
        var second = await reader.ReadMessageAsync(Parser, Ct);
        var third = await reader.ReadMessageAsync(Parser, Ct);
        var end = await reader.ReadMessageAsync(Parser, Ct);

        Assert.Equal("a", first!.Text);
        Assert.Equal(large, second);
        Assert.Equal("b", third!.Text);
        Assert.Null(end);
    }

    [Fact]
    public async Task ReadMessageAsync_StreamEndsInsidePrefix_Internal()
    {
        using var reader = new StreamMessageReader(new MemoryStream([0, 0, 0]), maxMessageSize: null);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadMessageAsync(Parser, Ct));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessageAsync_OverLimit_ResourceExhausted()
    {
        using var reader = new StreamMessageReader(new MemoryStream(RawGrpc.Frame(new EchoRequest { Text = new string('x', 100) })), maxMessageSize: 50);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await reader.ReadMessageAsync(Parser, Ct));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}
