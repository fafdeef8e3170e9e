using AgentConductor.Proto.V1;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>
/// Streams task files the way the conductor does: per file a header, then chunks of at most 64 KiB; a file's
/// knobs or a scripted cut (the <c>takeCut</c> callback) end it early.
/// </summary>
internal static class FakeTaskFileStreamer
{
    private const int ChunkSize = 64 * 1024;
    private const int Http2Cancel = 0x8;

    public static async Task StreamAsync(
        IReadOnlyList<TaskFileChunk>? rawChunks,
        IReadOnlyList<FakeTaskFile> files,
        Func<FakeTaskFile, StreamCut?> takeCut,
        IServerStreamWriter<TaskFileChunk> responses,
        ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (rawChunks is not null)
        {
            foreach (var chunk in rawChunks)
            {
                await responses.WriteAsync(chunk, cancellationToken);
            }

            return;
        }

        var buffer = new byte[ChunkSize];
        foreach (var file in files)
        {
            await responses.WriteAsync(new TaskFileChunk { Header = file.ToHeader() }, cancellationToken);
            var cut = takeCut(file);
            var limit = cut?.AfterBytes ?? file.EndStreamAfter ?? file.AbortAfter ?? long.MaxValue;
            await using var content = file.Open();
            long sent = 0;
            while (sent < limit)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                await responses.WriteAsync(new TaskFileChunk { Data = ByteString.CopyFrom(buffer, 0, read) }, cancellationToken);
                sent += read;
            }

            if (cut is { Reset: true })
            {
                context.GetHttpContext().Features.GetRequiredFeature<IHttpResetFeature>().Reset(Http2Cancel);
                return;
            }

            if (cut is not null)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"scripted cut in '{file.Path}' after {cut.AfterBytes} bytes"));
            }

            if (file.AbortAfter is not null)
            {
                context.GetHttpContext().Abort();
                return;
            }

            if (file.EndStreamAfter is not null)
            {
                return;
            }
        }
    }
}
