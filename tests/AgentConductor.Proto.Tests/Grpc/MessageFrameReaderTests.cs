using System.IO.Pipelines;
using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.Tests.Protos;
using Google.Protobuf;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class MessageFrameReaderTests
{
    private static readonly MessageParser<EchoRequest> Parser = new(() => new EchoRequest());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadMessageAsync_FramesSplitAcrossWrites_ReadsEachMessageThenNull()
    {
        var pipe = new Pipe();
        var bytes = RawGrpc.Frame(new EchoRequest { Text = "one" }).Concat(RawGrpc.Frame(new EchoRequest { Text = "two" })).ToArray();

        var reading = Task.Run(
            async () =>
            {
                var messages = new List<string>();
                while (await MessageFrameReader.ReadMessageAsync(pipe.Reader, Parser, 1024, Ct) is { } message)
                {
                    messages.Add(message.Text);
                }

                return messages;
            },
            Ct);
        foreach (var b in bytes)
        {
            await pipe.Writer.WriteAsync(new[] { b }, Ct);
        }

        await pipe.Writer.CompleteAsync();

        Assert.Equal(["one", "two"], await reading);
    }

    [Fact]
    public async Task ReadMessageAsync_StreamEndsInsideMessage_Internal()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(RawGrpc.Frame(new EchoRequest { Text = "truncated" }).AsMemory(0, 8), Ct);
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await MessageFrameReader.ReadMessageAsync(pipe.Reader, Parser, 1024, Ct));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadMessageAsync_LengthOverLimit_ResourceExhaustedBeforeBodyArrives()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0x10, 0, 0 }, Ct);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await MessageFrameReader.ReadMessageAsync(pipe.Reader, Parser, 1024, Ct));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }
}
