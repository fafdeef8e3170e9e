using System.Runtime.CompilerServices;
using AgentConductor.Proto.Grpc;
using AgentConductor.Proto.V1;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// <see cref="IConductorClient"/> over one <see cref="GrpcChannel"/>: adds <c>authorization: Bearer &lt;token&gt;</c>
/// to every call, stamps the job id on every request, puts a deadline on each attempt and retries through
/// <see cref="ConductorRetry"/>.
/// </summary>
internal sealed class ConductorClient : IConductorClient, IDisposable
{
    private readonly ConductorConnection _connection;
    private readonly ConductorRetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly GrpcChannel _channel;
    private readonly ConductorRetry _retry;

    /// <param name="jitter">Source of the backoff jitter in [0, 1); null: <see cref="Random.Shared"/>.</param>
    /// <param name="httpHandler">The HTTP handler to call through (not disposed); null: the channel's default.</param>
    public ConductorClient(
        ConductorConnection connection,
        ConductorRetryOptions options,
        TimeProvider timeProvider,
        ILogger<ConductorClient> logger,
        Func<double>? jitter = null,
        HttpMessageHandler? httpHandler = null)
    {
        connection.Validate();
        options.Validate();
        _connection = connection;
        _options = options;
        _timeProvider = timeProvider;
        _channel = GrpcChannel.ForAddress(connection.Address, new GrpcChannelOptions { TimeProvider = timeProvider, HttpHandler = httpHandler });
        _retry = new ConductorRetry(options, timeProvider, jitter ?? Random.Shared.NextDouble, logger);
    }

    public Task<HandshakeResponse> HandshakeAsync(HandshakeRequest request, CancellationToken cancellationToken)
        => _retry.ExecuteAsync(
            "Handshake",
            (retries, ct) =>
            {
                var attempt = request.Clone();
                attempt.JobId = _connection.JobId;
                attempt.HandshakeRetries = retries;
                return _channel.UnaryAsync(WorkerServiceMethods.Handshake, attempt, CallOptionsFor(_options.AttemptTimeout), ct);
            },
            cancellationToken);

    public async IAsyncEnumerable<TaskFileChunk> DownloadTaskFilesAsync(
        DownloadTaskFilesRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stamped = request.Clone();
        stamped.JobId = _connection.JobId;
        var (stream, hasFirst) = await _retry.ExecuteAsync(
            "DownloadTaskFiles", (_, ct) => StartDownloadAsync(stamped, ct), cancellationToken);
        await using (stream)
        {
            if (!hasFirst)
            {
                yield break;
            }

            yield return stream.Current;
            while (await _retry.ExecuteOnceAsync("DownloadTaskFiles", _ => stream.MoveNextAsync().AsTask(), cancellationToken))
            {
                yield return stream.Current;
            }
        }
    }

    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var stamped = request.Clone();
        stamped.JobId = _connection.JobId;
        return _retry.ExecuteOnceAsync(
            "Heartbeat",
            ct => _channel.UnaryAsync(WorkerServiceMethods.Heartbeat, stamped, CallOptionsFor(_options.AttemptTimeout), ct),
            cancellationToken);
    }

    public Task<PublishProgressResponse> PublishProgressAsync(IAsyncEnumerable<ProgressUpdate> updates, CancellationToken cancellationToken)
        => _retry.ExecuteOnceAsync(
            "PublishProgress",
            ct => _channel.ClientStreamingAsync(WorkerServiceMethods.PublishProgress, StampAsync(updates, ct), CallOptionsFor(timeout: null), ct),
            cancellationToken);

    public Task<ReportResultResponse> ReportResultAsync(ReportResultRequest request, CancellationToken cancellationToken)
    {
        var stamped = request.Clone();
        stamped.JobId = _connection.JobId;
        return _retry.ExecuteAsync(
            "ReportResult",
            (_, ct) => _channel.UnaryAsync(WorkerServiceMethods.ReportResult, stamped, CallOptionsFor(_options.AttemptTimeout), ct),
            cancellationToken);
    }

    public void Dispose() => _channel.Dispose();

    // The call is started and its first message read inside the retried attempt: until a message has been
    // handed to the caller, starting over is safe.
    private async Task<(IAsyncEnumerator<TaskFileChunk> Stream, bool HasFirst)> StartDownloadAsync(
        DownloadTaskFilesRequest request, CancellationToken cancellationToken)
    {
        var stream = _channel
            .ServerStreaming(WorkerServiceMethods.DownloadTaskFiles, request, CallOptionsFor(_options.DownloadTimeout), cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        try
        {
            return (stream, await stream.MoveNextAsync());
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    private async IAsyncEnumerable<ProgressUpdate> StampAsync(
        IAsyncEnumerable<ProgressUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var stamped = update.Clone();
            stamped.JobId = _connection.JobId;
            yield return stamped;
        }
    }

    private CallOptions CallOptionsFor(TimeSpan? timeout)
    {
        var headers = new Metadata { { "authorization", $"Bearer {_connection.Token}" } };
        DateTime? deadline = timeout is { } t ? _timeProvider.GetUtcNow().UtcDateTime + t : null;
        return new CallOptions(headers, deadline);
    }
}
