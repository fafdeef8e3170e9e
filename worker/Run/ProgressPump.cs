using Microsoft.Extensions.Logging;
using System.Threading.Channels;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Secrets;

namespace AgentConductor.Worker.Run;

/// <summary>
/// Forwards progress to the conductor on one <c>PublishProgress</c> stream at a time. If a stream fails (the conductor
/// restarts), the next update opens a new one; updates are never allowed to block or fail the job.
/// </summary>
internal sealed partial class ProgressPump(IConductorClient conductor, ISecretMasker masker, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly Channel<ProgressUpdate> _updates = Channel.CreateBounded<ProgressUpdate>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    public void Start() => _pump = Task.Run(() => PumpAsync(_stop.Token));

    /// <summary>Queues an update; every text in it passes the masker here, the last point before it leaves the worker.</summary>
    public ValueTask PublishAsync(ProgressUpdate update)
    {
        Publish(update);
        return ValueTask.CompletedTask;
    }

    /// <summary><see cref="PublishAsync"/> for callers that cannot wait (the model proxy's request threads): it never blocks.</summary>
    public void Publish(ProgressUpdate update) => _updates.Writer.TryWrite(Masked(update));

    public void Log(string text) =>
        _updates.Writer.TryWrite(Masked(new ProgressUpdate { Log = new LogLine { Stream = LogStream.Worker, Text = text, Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(time.GetUtcNow()) } }));

    private ProgressUpdate Masked(ProgressUpdate update)
    {
        if (update.Log is { } line)
        {
            line.Text = masker.Mask(line.Text);
        }

        if (update.Progress?.CommandRun is { } command)
        {
            command.Command = masker.Mask(command.Command);
        }

        if (update.Progress?.FilesChanged is { } files)
        {
            for (var i = 0; i < files.Paths.Count; i++)
            {
                files.Paths[i] = masker.Mask(files.Paths[i]);
            }
        }

        return update;
    }

    /// <summary>Sends what is queued (bounded by <paramref name="flushTimeout"/>) and closes the stream.</summary>
    public async Task FlushAsync(TimeSpan flushTimeout)
    {
        _updates.Writer.TryComplete();
        if (_pump is not null)
        {
            await _pump.WaitAsync(flushTimeout).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _updates.Writer.TryComplete();
        await _stop.CancelAsync();
        if (_pump is not null)
        {
            await _pump.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        while (await _updates.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await conductor.PublishProgressAsync(_updates.Reader.ReadAllAsync(cancellationToken), cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStreamFailed(logger, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = 1200, EventName = "ProgressStreamFailed", Level = LogLevel.Warning, Message = "Progress stream to the conductor failed ({Reason}); the next update opens a new one")]
    private static partial void LogStreamFailed(ILogger logger, string reason);
}
