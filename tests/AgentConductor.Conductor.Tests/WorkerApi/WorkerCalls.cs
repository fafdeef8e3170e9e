using AgentConductor.TestSupport;
using Grpc.Core;
using AgentConductor.Proto.V1;

namespace AgentConductor.Conductor.Tests.WorkerApi;

/// <summary>Calls any WorkerService rpc by name with a minimal request, for tests that check every rpc the same way.</summary>
internal static class WorkerCalls
{
    public static async Task CallAsync(WorkerService.WorkerServiceClient client, string rpc, string jobId, CallOptions options, CancellationToken cancellationToken)
    {
        switch (rpc)
        {
            case "Handshake":
                await client.HandshakeAsync(new HandshakeRequest { JobId = jobId }, options.WithCancellationToken(cancellationToken)).ResponseAsync;
                break;
            case "DownloadTaskFiles":
                await foreach (var _ in client.DownloadAllAsync(new DownloadTaskFilesRequest { JobId = jobId }, options.WithCancellationToken(cancellationToken)))
                {
                }

                break;
            case "Heartbeat":
                await client.HeartbeatAsync(new HeartbeatRequest { JobId = jobId, Phase = WorkerPhase.Preparing }, options.WithCancellationToken(cancellationToken)).ResponseAsync;
                break;
            case "PublishProgress":
                await client.PublishAllAsync(Updates(jobId), options.WithCancellationToken(cancellationToken));
                break;
            case "ReportResult":
                await client.ReportResultAsync(new ReportResultRequest { JobId = jobId, Status = ResultStatus.NoChanges }, options.WithCancellationToken(cancellationToken)).ResponseAsync;
                break;
            case "UploadSession":
                await client.UploadSessionAsync(
                    new SessionHeader { JobId = jobId, ThreadId = "0199a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b", Size = 1, Sha256 = new string('0', 64) },
                    [0x1f],
                    options.WithCancellationToken(cancellationToken));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(rpc), rpc, null);
        }
    }

    /// <summary>The status detail of the call ("" when it succeeded).</summary>
    public static async Task<string> StatusDetailAsync(WorkerService.WorkerServiceClient client, string rpc, string jobId, CallOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(client, rpc, jobId, options, cancellationToken);
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
