using System.Security.Cryptography;
using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Conductor.WorkerApi;
using AgentConductor.Proto.V1;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Sessions;

/// <summary>
/// UploadSession: a worker hands over its agent's session at the end of a run. The header is authenticated like every
/// call (the job's token, a connected or running job), the bytes are streamed to a temporary file and counted against the
/// header and <see cref="WorkerApiOptions.MaxSessionBytes"/>, then the size, the digest and every entry of the archive are
/// checked (<see cref="SessionArchiveRules"/>) before <see cref="SessionStore"/> keeps it. Nothing of a refused upload stays.
/// </summary>
internal sealed partial class SessionReceiver(
    WorkerAuthenticator authenticator, SessionStore store, IOptions<WorkerApiOptions> options, TimeProvider time, ILogger<SessionReceiver> logger)
{
    private const int MaxChunkBytes = 64 * 1024;

    public async Task<UploadSessionResponse> UploadAsync(IAsyncStreamReader<SessionChunk> requests, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (!await requests.MoveNext(cancellationToken))
        {
            authenticator.AuthenticateToken(context);
            throw new RpcException(new Status(StatusCode.InvalidArgument, "An UploadSession stream starts with a SessionHeader."));
        }

        if (requests.Current.ChunkCase != SessionChunk.ChunkOneofCase.Header)
        {
            authenticator.AuthenticateToken(context);
            throw new RpcException(new Status(StatusCode.InvalidArgument, "An UploadSession stream starts with a SessionHeader."));
        }

        var header = requests.Current.Header;
        var job = authenticator.Authenticate(context, header.JobId);
        JobStateChecks.EnsureConnected(job);
        var limit = options.Value.MaxSessionBytes;
        CheckHeader(header, limit);

        var folder = store.Folder(job.Id);
        Directory.CreateDirectory(folder);
        var upload = Path.Combine(folder, $"upload-{Guid.NewGuid():N}.tmp");
        try
        {
            var sha256 = await ReceiveAsync(requests, header, upload, cancellationToken);
            if (sha256 != header.Sha256)
            {
                throw new RpcException(new Status(StatusCode.DataLoss, $"The session's SHA-256 is {sha256}, not {header.Sha256} as its header says."));
            }

            await using (var archive = new FileStream(upload, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024))
            {
                if (await SessionArchiveRules.ProblemAsync(archive, limit * SessionArchiveRules.MaxExpansion, cancellationToken) is { } problem)
                {
                    Log.Refused(logger, job.Id, problem);
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"The session archive is refused: {problem}."));
                }
            }

            await store.SaveAsync(job.Id, header.ThreadId, upload, header.Size, sha256, time.GetUtcNow());
            return new UploadSessionResponse { StoredBytes = header.Size };
        }
        finally
        {
            File.Delete(upload);
        }
    }

    private static void CheckHeader(SessionHeader header, long limit)
    {
        if (!Guid.TryParseExact(header.ThreadId, "D", out _))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"SessionHeader.thread_id '{UntrustedText.Inline(header.ThreadId, 64)}' is not a UUID."));
        }

        if (header.Size <= 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"SessionHeader.size must be positive (got {header.Size})."));
        }

        if (header.Size > limit)
        {
            // Not RESOURCE_EXHAUSTED: workers retry that (an overloaded conductor), and this answer does not change.
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The session is {header.Size} bytes; this conductor keeps at most {limit} (WorkerApi:MaxSessionBytes)."));
        }

        if (header.Sha256.Length != 64 || !header.Sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "SessionHeader.sha256 must be 64 lowercase hex digits."));
        }
    }

    /// <summary>Writes the data chunks to <paramref name="path"/>; the SHA-256 of what arrived, which must be exactly header.size bytes.</summary>
    private static async Task<string> ReceiveAsync(IAsyncStreamReader<SessionChunk> requests, SessionHeader header, string path, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;
        await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
        {
            while (await requests.MoveNext(cancellationToken))
            {
                var chunk = requests.Current;
                if (chunk.ChunkCase != SessionChunk.ChunkOneofCase.Data)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, "Only data chunks may follow the SessionHeader."));
                }

                if (chunk.Data.Length > MaxChunkBytes)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"A session chunk carries {chunk.Data.Length} bytes; at most {MaxChunkBytes} are allowed."));
                }

                received += chunk.Data.Length;
                if (received > header.Size)
                {
                    throw new RpcException(new Status(StatusCode.DataLoss, $"The session is longer than the {header.Size} bytes its header says."));
                }

                hash.AppendData(chunk.Data.Span);
                await file.WriteAsync(chunk.Data.Memory, cancellationToken);
            }
        }

        return received == header.Size
            ? Convert.ToHexStringLower(hash.GetHashAndReset())
            : throw new RpcException(new Status(StatusCode.DataLoss, $"The session stream ended after {received} of the {header.Size} bytes its header says."));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 493, EventName = "AgentSessionRefused", Level = LogLevel.Warning, Message = "Refused the agent session of job {JobId}: {Reason}")]
        public static partial void Refused(ILogger logger, string jobId, string reason);
    }
}
