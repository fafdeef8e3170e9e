using System.IO.Pipelines;
using System.Net;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>A request body that writes (and flushes) each message as the caller's sequence yields it.</summary>
internal sealed class ClientStreamingContent<T>(IAsyncEnumerable<T> messages, int? maxMessageSize) : HttpContent
    where T : class, IMessage<T>
{
    /// <summary>An exception from the caller's sequence or a message over the size limit; rethrown by the call.</summary>
    public Exception? Failure { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            await foreach (var message in messages.WithCancellation(cancellationToken))
            {
                MessageFrameWriter.WriteMessage(writer, message, maxMessageSize);
                await writer.FlushAsync(cancellationToken);
            }

            await writer.CompleteAsync();
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Failure = ex;
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
