using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.TaskFiles;
using Grpc.Core;
using AgentConductor.Proto.V1;
using Google.Protobuf;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// PublishProgress: stores log lines and progress events in <c>job_logs</c>, in stream order, a batch of up to 100 per
/// write (sooner when the stream goes quiet, see <see cref="WorkerApiOptions.ProgressFlushInterval"/>), sums the
/// token usage of completed turns (or of model requests, see <see cref="ProgressTally"/>) onto the job with its spend, and
/// records a budget stop. A stream lasts as long as the worker runs, so when the conductor stops it
/// ends the stream itself (what arrived is stored and acknowledged); otherwise the host would wait its whole shutdown
/// timeout for streams that never end. The worker opens a new stream to the next conductor. Every line and event is
/// masked with <see cref="SecretRegistry"/> before it is cut to size and stored.
/// </summary>
internal sealed partial class ProgressReceiver(
    WorkerAuthenticator authenticator,
    WorkerJobStore store,
    SecretRegistry secrets,
    IOptions<WorkerApiOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<ProgressReceiver> logger)
{
    private const int BatchSize = 100;

    public async Task<PublishProgressResponse> PublishAsync(IAsyncStreamReader<ProgressUpdate> requests, ServerCallContext context)
    {
        WorkerJob? job = null;
        // Not sized for a full batch up front: thousands of streams stay open for hours, most carrying a line a second.
        var batch = new List<LogRow>();
        var usage = new ProgressTally();
        long accepted = 0;
        var batchStarted = 0L;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var next = NextAsync(requests, stopping.Token, context.CancellationToken);
        while (true)
        {
            if (batch.Count > 0 && !next.IsCompleted && await IsQuietAsync(next, batchStarted, context.CancellationToken))
            {
                // The stream has gone quiet: what arrived is stored now rather than held until 100 have gathered.
                accepted += await FlushAsync(job!.Id, batch, usage);
            }

            if (!await next)
            {
                break;
            }

            var update = requests.Current;
            if (job is null)
            {
                job = authenticator.Authenticate(context, update.JobId);
                JobStateChecks.EnsureConnected(job);
            }
            else if (update.JobId != job.Id)
            {
                throw new RpcException(new Status(StatusCode.PermissionDenied, $"The job token is not valid for job '{UntrustedText.Inline(update.JobId, 64)}'."));
            }

            if (batch.Count == 0)
            {
                batchStarted = timeProvider.GetTimestamp();
            }

            batch.Add(ToRow(update, usage));
            if (batch.Count == BatchSize)
            {
                accepted += await FlushAsync(job.Id, batch, usage);
            }

            next = NextAsync(requests, stopping.Token, context.CancellationToken);
        }

        if (job is null)
        {
            authenticator.AuthenticateToken(context);
            return new PublishProgressResponse();
        }

        accepted += await FlushAsync(job.Id, batch, usage);
        Log.ProgressStored(logger, job.Id, accepted);
        return new PublishProgressResponse { AcceptedCount = accepted };
    }

    /// <summary>
    /// Waits for the next update until the batch begun at <paramref name="batchStarted"/> is ProgressFlushInterval old;
    /// true when none came by then. Holding a batch only that long keeps a quiet stream's lines visible within the
    /// interval and keeps thousands of slow streams from holding their rows in memory.
    /// </summary>
    private async Task<bool> IsQuietAsync(Task<bool> next, long batchStarted, CancellationToken cancellationToken)
    {
        var wait = options.Value.ProgressFlushInterval - timeProvider.GetElapsedTime(batchStarted);
        if (wait > TimeSpan.Zero)
        {
            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            await Task.WhenAny(next, Task.Delay(wait, timeProvider, stopWaiting.Token));
            await stopWaiting.CancelAsync();
        }

        return !next.IsCompleted;
    }

    /// <summary>False at the end of the stream, and when the conductor is stopping.</summary>
    private static async Task<bool> NextAsync(IAsyncStreamReader<ProgressUpdate> requests, CancellationToken stopping, CancellationToken call)
    {
        try
        {
            return await requests.MoveNext(stopping);
        }
        catch (OperationCanceledException) when (!call.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task<int> FlushAsync(string jobId, List<LogRow> batch, ProgressTally usage)
    {
        var count = batch.Count;
        if (count > 0 || !usage.IsEmpty)
        {
            await store.AppendProgressAsync(jobId, batch, usage, timeProvider.GetUtcNow());
        }

        batch.Clear();
        usage.Clear();
        return count;
    }

    private LogRow ToRow(ProgressUpdate update, ProgressTally usage)
    {
        var limit = options.Value.MaxLogLineBytes;
        if (update.UpdateCase == ProgressUpdate.UpdateOneofCase.Log)
        {
            var (text, truncated) = Utf8Text.Cut(secrets.Mask(update.Log.Text), limit);
            return new LogRow(StreamName(update.Log.Stream), text, truncated, update.Log.Timestamp?.ToDateTimeOffset());
        }

        if (update.Progress is { } progress)
        {
            usage.Add(progress);

            var (json, truncated) = Utf8Text.Cut(secrets.Mask(JsonFormatter.Default.Format(progress)), limit);
            return new LogRow("progress", json, truncated, progress.Timestamp?.ToDateTimeOffset());
        }

        throw new RpcException(new Status(StatusCode.InvalidArgument, "A ProgressUpdate carries neither a log line nor a progress event."));
    }

    private static string StreamName(LogStream stream) => stream switch
    {
        LogStream.Stdout => "stdout",
        LogStream.Stderr => "stderr",
        LogStream.Worker => "worker",
        _ => "unspecified",
    };

    private static partial class Log
    {
        [LoggerMessage(EventId = 520, EventName = "ProgressStored", Level = LogLevel.Debug, Message = "Stored {Count} progress updates of job {JobId}")]
        public static partial void ProgressStored(ILogger logger, string jobId, long count);
    }
}
