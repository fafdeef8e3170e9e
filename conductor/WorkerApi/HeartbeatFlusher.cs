using AgentConductor.Conductor.Jobs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// Every <see cref="WorkerApiOptions.HeartbeatFlushInterval"/>, and once more when the conductor stops, writes the
/// heartbeats <see cref="HeartbeatBoard"/> answered from memory and refreshes the board from the database: a cancel
/// requested meanwhile is answered on the job's next heartbeat, a job no longer running leaves the board.
/// </summary>
internal sealed partial class HeartbeatFlusher(
    HeartbeatBoard board,
    WorkerJobStore store,
    IOptions<WorkerApiOptions> options,
    TimeProvider time,
    ILogger<HeartbeatFlusher> logger) : BackgroundService
{
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>One flush; the number of heartbeats written.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            var (heartbeats, jobs) = board.TakePending();
            if (jobs.Count == 0)
            {
                return 0;
            }

            // When the write fails the heartbeats taken are dropped, not put back: each worker sends a newer one within
            // its heartbeat interval, and the jobs stay on the board until a flush reads them back.
            var states = await store.FlushHeartbeatsAsync(heartbeats, jobs.ConvertAll(j => j.JobId));
            foreach (var (jobId, tokenHash) in jobs)
            {
                board.Refresh(jobId, tokenHash, states.GetValueOrDefault(jobId));
            }

            return heartbeats.Count;
        }
        finally
        {
            _flushing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.FlushFailed(logger, ex);
        }
    }

    public override void Dispose()
    {
        _flushing.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => PassLoop.RunAsync(
        FlushAsync,
        token => Task.Delay(options.Value.HeartbeatFlushInterval, time, token),
        ex => Log.FlushFailed(logger, ex),
        () => Log.Recovered(logger),
        stoppingToken);

    private static partial class Log
    {
        [LoggerMessage(EventId = 407, EventName = "HeartbeatFlushFailed", Level = LogLevel.Error, Message = "Writing the heartbeats answered from memory failed; retrying every flush interval (logged once until a flush succeeds)")]
        public static partial void FlushFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 408, EventName = "HeartbeatFlushRecovered", Level = LogLevel.Information, Message = "Heartbeat flushes succeed again")]
        public static partial void Recovered(ILogger logger);
    }
}
