using AgentConductor.Proto.V1;
using Grpc.Core;

namespace AgentConductor.TestSupport;

/// <summary>The streaming rpcs of the generated WorkerService client as one awaitable call each, for tests.</summary>
internal static class WorkerClientCalls
{
    /// <summary>Every message of a DownloadTaskFiles call; the call is disposed (cancelled if unfinished) at the end.</summary>
    public static async IAsyncEnumerable<TaskFileChunk> DownloadAllAsync(this WorkerService.WorkerServiceClient client, DownloadTaskFilesRequest request, CallOptions options)
    {
        using var call = client.DownloadTaskFiles(request, options);
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(options.CancellationToken))
        {
            yield return chunk;
        }
    }

    /// <summary>A PublishProgress call that writes <paramref name="updates"/> as they come, completes the stream and returns the answer.</summary>
    public static async Task<PublishProgressResponse> PublishAllAsync(this WorkerService.WorkerServiceClient client, IAsyncEnumerable<ProgressUpdate> updates, CallOptions options)
    {
        using var call = client.PublishProgress(options);
        try
        {
            await foreach (var update in updates.WithCancellation(options.CancellationToken))
            {
                await call.RequestStream.WriteAsync(update, options.CancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception) when (call.ResponseAsync.IsCompleted || !options.CancellationToken.IsCancellationRequested)
        {
            // A write fails once the call has ended: its status is the failure to report.
            await call.ResponseAsync;
            throw;
        }

        return await call.ResponseAsync;
    }

    /// <summary>An UploadSession call: the header, then <paramref name="archive"/> in chunks of <paramref name="chunkSize"/>, then the answer.</summary>
    public static async Task<UploadSessionResponse> UploadSessionAsync(
        this WorkerService.WorkerServiceClient client, SessionHeader header, byte[] archive, CallOptions options, int chunkSize = 64 * 1024)
    {
        using var call = client.UploadSession(options);
        try
        {
            await call.RequestStream.WriteAsync(new SessionChunk { Header = header }, options.CancellationToken);
            for (var offset = 0; offset < archive.Length; offset += chunkSize)
            {
                var data = Google.Protobuf.ByteString.CopyFrom(archive, offset, Math.Min(chunkSize, archive.Length - offset));
                await call.RequestStream.WriteAsync(new SessionChunk { Data = data }, options.CancellationToken);
            }

            await call.RequestStream.CompleteAsync();
        }
        catch (Exception) when (call.ResponseAsync.IsCompleted || !options.CancellationToken.IsCancellationRequested)
        {
            await call.ResponseAsync;
            throw;
        }

        return await call.ResponseAsync;
    }
}
