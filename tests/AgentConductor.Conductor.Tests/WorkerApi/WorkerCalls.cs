using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Calls any WorkerService rpc by name with a minimal request, for tests that check every rpc the same way.</summary>
internal static class WorkerCalls
{
    public static async Task CallAsync(GrpcChannel channel, string rpc, string jobId, CallOptions options, CancellationToken cancellationToken)
    {
        switch (rpc)
        {
            case "Handshake":
                await channel.UnaryAsync(WorkerServiceMethods.Handshake, new HandshakeRequest { JobId = jobId }, options, cancellationToken);
                break;
            case "DownloadTaskFiles":
                await foreach (var _ in channel.ServerStreaming(WorkerServiceMethods.DownloadTaskFiles, new DownloadTaskFilesRequest { JobId = jobId }, options, cancellationToken))
                {
                }

                break;
            case "Heartbeat":
                await channel.UnaryAsync(WorkerServiceMethods.Heartbeat, new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Preparing }, options, cancellationToken);
                break;
            case "PublishProgress":
                await channel.ClientStreamingAsync(WorkerServiceMethods.PublishProgress, Updates(jobId), options, cancellationToken);
                break;
            case "ReportResult":
                await channel.UnaryAsync(WorkerServiceMethods.ReportResult, new ReportResultRequest { JobId = jobId, Status = ResultStatus.NoChanges }, options, cancellationToken);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, null);
        }
    }

    /// <summary>The status detail of the call ("" when it succeeded).</summary>
    public static async Task<string> StatusDetailAsync(GrpcChannel channel, string rpc, string jobId, CallOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(channel, rpc, jobId, options, cancellationToken);
            return "";
        }
        catch (RpcException ex)
        {
            return ex.Message;
        }
    }

    public static async IAsyncEnumerable<ProgressUpdate> Updates(string jobId, params ProgressUpdate[] updates)
    {
        await Task.Yield();
        if (updates.Length == 0)
        {
            yield return new ProgressUpdate { JobId = jobId, Log = new LogLine { Stream = LogStream.Worker, Text = "hello" } };
        }

        foreach (var update in updates)
        {
            yield return update;
        }
    }
}
