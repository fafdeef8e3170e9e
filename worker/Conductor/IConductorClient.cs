using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// The worker's calls to the conductor (worker.proto's WorkerService). Implementations authenticate every call
/// with the job token and stamp the job id on every request. Failures surface as
/// <see cref="ConductorRejectedException"/> (an answer retrying cannot change) or
/// <see cref="ConductorUnreachableException"/> (transient failures, retries used up), cancellation as
/// <see cref="OperationCanceledException"/>.
/// </summary>
internal interface IConductorClient
{
    /// <summary>Proves the token and fetches the job; retried while the conductor is unreachable.</summary>
    Task<HandshakeResponse> HandshakeAsync(HandshakeRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the task files (a header, then data chunks, per file). Starting the call is retried until the
    /// first message arrives; a stream that fails after that throws.
    /// </summary>
    IAsyncEnumerable<TaskFileChunk> DownloadTaskFilesAsync(DownloadTaskFilesRequest request, CancellationToken cancellationToken);

    /// <summary>Sends one heartbeat; not retried (the next heartbeat is the retry).</summary>
    Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken);

    /// <summary>Uploads <paramref name="updates"/> as they are produced; not retried (a sequence cannot be replayed).</summary>
    Task<PublishProgressResponse> PublishProgressAsync(IAsyncEnumerable<ProgressUpdate> updates, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads the agent's session archive at <paramref name="archivePath"/> (the header's size and digest describe it);
    /// retried like the handshake (a repeated upload replaces the first).
    /// </summary>
    Task<UploadSessionResponse> UploadSessionAsync(SessionHeader header, string archivePath, CancellationToken cancellationToken);

    /// <summary>Reports the job's outcome; retried like the handshake (the rpc is idempotent).</summary>
    Task<ReportResultResponse> ReportResultAsync(ReportResultRequest request, CancellationToken cancellationToken);
}
