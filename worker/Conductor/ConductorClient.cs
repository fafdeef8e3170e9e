using System.Net;
using System.Runtime.CompilerServices;
using AgentConductor.Common;
using AgentConductor.Proto.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// <see cref="IConductorClient"/> over the generated <see cref="WorkerService.WorkerServiceClient"/> on one
/// <see cref="GrpcChannel"/> (h2c for <c>http://</c>, TLS for <c>https://</c>): adds <c>authorization: Bearer &lt;token&gt;</c>
/// to every call, stamps the job id on every request, bounds each attempt with an <see cref="AttemptTimeout"/> on the
/// injected clock and retries through <see cref="ConductorRetry"/>.
/// </summary>
internal sealed class ConductorClient : IConductorClient, IDisposable
{
    /// <summary>The largest message accepted from the conductor (gRPC's usual 4 MiB; task-file chunks are 64 KiB).</summary>
    public const int MaxReceiveMessageBytes = 4 * 1024 * 1024;

    private readonly ConductorConnection _connection;
    private readonly ConductorRetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly GrpcChannel _channel;
    private readonly WorkerService.WorkerServiceClient _client;
    private readonly Metadata _headers;
    private readonly ConductorRetry _retry;

    /// <param name="backoff">The retry backoff; null: <see cref="Backoff.Random"/>.</param>
    /// <param name="httpHandler">The HTTP handler to call through (disposed with this client); null: <see cref="CreateHandler"/>.</param>
    public ConductorClient(
        ConductorConnection connection,
        ConductorRetryOptions options,
        TimeProvider timeProvider,
        ILogger<ConductorClient> logger,
        Backoff? backoff = null,
        HttpMessageHandler? httpHandler = null)
    {
        connection.Validate();
        options.Validate();
        _connection = connection;
        _options = options;
        _timeProvider = timeProvider;
        // Through an HttpClient, the channel hands each call straight to the handler's connection pool. Given the
        // SocketsHttpHandler itself, it would manage connections on its own and, after a failed connect, fail calls
        // fast for a reconnect backoff of up to 120 s on the system clock: outside ConductorRetry's schedule and clock.
        // The HttpClient's own timeout would cut long streams, hence infinite: attempts are bounded by AttemptTimeout.
        _channel = GrpcChannel.ForAddress(connection.Address, new GrpcChannelOptions
        {
            HttpClient = new HttpClient(httpHandler ?? CreateHandler(), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan },
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxReceiveMessageBytes,
        });
        _client = new WorkerService.WorkerServiceClient(_channel);
        _headers = new Metadata { { "authorization", $"Bearer {connection.Token}" } };
        if (connection.TraceParent is { Length: > 0 } traceParent)
        {
            _headers.Add("traceparent", traceParent);
        }

        _retry = new ConductorRetry(options, timeProvider, backoff ?? Backoff.Random, logger);
    }

    /// <summary>The HTTP/2 handler a client uses unless given one: keep-alive pings while calls are open, no cookies, no decompression.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        EnableMultipleHttp2Connections = true,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,

        // The default 64 KiB window is smaller than one task-file chunk's message, so the conductor would wait for a
        // window update after every chunk; on a short round trip the handler's dynamic window never grows it.
        InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
    };

    public Task<HandshakeResponse> HandshakeAsync(HandshakeRequest request, CancellationToken cancellationToken)
        => _retry.ExecuteAsync(
            "Handshake",
            (retries, ct) =>
            {
                var attempt = request.Clone();
                attempt.JobId = _connection.JobId;
                attempt.HandshakeRetries = retries;
                return UnaryAsync(options => _client.HandshakeAsync(attempt, options), ct);
            },
            cancellationToken);

    public async IAsyncEnumerable<TaskFileChunk> DownloadTaskFilesAsync(
        DownloadTaskFilesRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stamped = request.Clone();
        stamped.JobId = _connection.JobId;
        var download = await _retry.ExecuteAsync(
            "DownloadTaskFiles", (_, ct) => StartDownloadAsync(stamped, ct), cancellationToken);
        using (download)
        {
            if (!download.HasFirst)
            {
                yield break;
            }

            yield return download.Call.ResponseStream.Current;
            while (await _retry.ExecuteOnceAsync("DownloadTaskFiles", ct => download.MoveNextAsync(ct), cancellationToken))
            {
                yield return download.Call.ResponseStream.Current;
            }
        }
    }

    public Task<HeartbeatResponse> HeartbeatAsync(HeartbeatRequest request, CancellationToken cancellationToken)
    {
        var stamped = request.Clone();
        stamped.JobId = _connection.JobId;
        return _retry.ExecuteOnceAsync("Heartbeat", ct => UnaryAsync(options => _client.HeartbeatAsync(stamped, options), ct), cancellationToken);
    }

    public Task<PublishProgressResponse> PublishProgressAsync(IAsyncEnumerable<ProgressUpdate> updates, CancellationToken cancellationToken)
        => _retry.ExecuteOnceAsync("PublishProgress", ct => PublishAsync(updates, ct), cancellationToken);

    public Task<ReportResultResponse> ReportResultAsync(ReportResultRequest request, CancellationToken cancellationToken)
    {
        var stamped = request.Clone();
        stamped.JobId = _connection.JobId;
        return _retry.ExecuteAsync("ReportResult", (_, ct) => UnaryAsync(options => _client.ReportResultAsync(stamped, options), ct), cancellationToken);
    }

    public Task<UploadSessionResponse> UploadSessionAsync(SessionHeader header, string archivePath, CancellationToken cancellationToken)
    {
        var stamped = header.Clone();
        stamped.JobId = _connection.JobId;
        return _retry.ExecuteAsync("UploadSession", (_, ct) => UploadAsync(stamped, archivePath, ct), cancellationToken);
    }

    public void Dispose() => _channel.Dispose();

    /// <summary>One attempt of UploadSession: the header, then the file in 64 KiB chunks, within the download's time limit.</summary>
    private async Task<UploadSessionResponse> UploadAsync(SessionHeader header, string archivePath, CancellationToken cancellationToken)
    {
        using var timeout = new AttemptTimeout(_options.DownloadTimeout, _timeProvider, cancellationToken);
        try
        {
            using var call = _client.UploadSession(new CallOptions(_headers, cancellationToken: timeout.Token));
            await call.RequestStream.WriteAsync(new SessionChunk { Header = header }, timeout.Token);
            await using (var file = new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await file.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    try
                    {
                        await call.RequestStream.WriteAsync(new SessionChunk { Data = Google.Protobuf.ByteString.CopyFrom(buffer, 0, read) }, timeout.Token);
                    }
                    catch (Exception) when (!timeout.Token.IsCancellationRequested)
                    {
                        // The conductor answered early (a refusal): its status says why.
                        await call.ResponseAsync;
                        throw;
                    }
                }
            }

            await call.RequestStream.CompleteAsync();
            return await call.ResponseAsync;
        }
        catch (Exception ex) when (timeout.Expired && !cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException)
        {
            throw timeout.DeadlineExceeded();
        }
    }

    /// <summary>One attempt of a unary call, bounded by <see cref="ConductorRetryOptions.AttemptTimeout"/>.</summary>
    private async Task<T> UnaryAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> start, CancellationToken cancellationToken)
    {
        using var timeout = new AttemptTimeout(_options.AttemptTimeout, _timeProvider, cancellationToken);
        try
        {
            using var call = start(new CallOptions(_headers, cancellationToken: timeout.Token));
            return await call.ResponseAsync;
        }
        catch (Exception ex) when (timeout.Expired && !cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException)
        {
            throw timeout.DeadlineExceeded();
        }
    }

    // The call is started and its first message read inside the retried attempt: until a message has been
    // handed to the caller, starting over is safe.
    private async Task<Download> StartDownloadAsync(DownloadTaskFilesRequest request, CancellationToken cancellationToken)
    {
        var timeout = new AttemptTimeout(_options.DownloadTimeout, _timeProvider, cancellationToken);
        var download = new Download(_client.DownloadTaskFiles(request, new CallOptions(_headers, cancellationToken: timeout.Token)), timeout);
        try
        {
            return download with { HasFirst = await download.MoveNextAsync(cancellationToken) };
        }
        catch
        {
            download.Dispose();
            throw;
        }
    }

    /// <summary>One PublishProgress stream: each update is sent (and flushed) as it is produced; the answer comes after the last.</summary>
    private async Task<PublishProgressResponse> PublishAsync(IAsyncEnumerable<ProgressUpdate> updates, CancellationToken cancellationToken)
    {
        using var call = _client.PublishProgress(new CallOptions(_headers, cancellationToken: cancellationToken));
        await using (var source = updates.GetAsyncEnumerator(cancellationToken))
        {
            while (await source.MoveNextAsync())
            {
                var stamped = source.Current.Clone();
                stamped.JobId = _connection.JobId;
                try
                {
                    await call.RequestStream.WriteAsync(stamped, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // A write fails when the call has ended (the conductor answered early, or the stream broke): its status says why.
                    await call.ResponseAsync;
                    throw;
                }
            }
        }

        await call.RequestStream.CompleteAsync();
        return await call.ResponseAsync;
    }

    /// <summary>A running DownloadTaskFiles call and the time limit of the whole stream.</summary>
    private sealed record Download(AsyncServerStreamingCall<TaskFileChunk> Call, AttemptTimeout Timeout, bool HasFirst = false) : IDisposable
    {
        /// <summary>The next message; a stream cut by its time limit fails with DEADLINE_EXCEEDED.</summary>
        public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await Call.ResponseStream.MoveNext(CancellationToken.None);
            }
            catch (Exception ex) when (Timeout.Expired && !cancellationToken.IsCancellationRequested && ex is RpcException or OperationCanceledException)
            {
                throw Timeout.DeadlineExceeded();
            }
        }

        public void Dispose()
        {
            Call.Dispose();
            Timeout.Dispose();
        }
    }
}
