using Microsoft.Extensions.Logging;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Telemetry;

namespace AgentConductor.Worker.Run;

/// <summary>
/// Proves the worker is alive every heartbeat interval and listens for the conductor's cancel: the answer that
/// carries <c>cancel_requested</c> fires <see cref="CancelRequested"/>. A failed heartbeat is logged, never fatal
/// (the next one is the retry; the conductor's reconciler decides when silence means lost).
/// </summary>
internal sealed partial class HeartbeatLoop(IConductorClient conductor, TimeProvider time, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancelRequested = new();
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _phaseChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WorkerPhase _phase = WorkerPhase.Preparing;
    private Task? _loop;

    /// <summary>What the worker is doing; a change is reported at once, not at the next interval, and clears <see cref="Step"/>.</summary>
    public WorkerPhase Phase
    {
        get => _phase;
        set
        {
            if (_phase != value)
            {
                Step = "";
                _phase = value;
                _phaseChanged.TrySetResult();
            }
        }
    }

    /// <summary>Where the worker is within its phase (<see cref="AgentStepTally"/> while the agent runs); sent with the next heartbeat.</summary>
    public string Step { get; set; } = "";

    /// <summary>Fires when the conductor asks this worker to stop.</summary>
    public CancellationToken CancelRequested => _cancelRequested.Token;

    public string? CancelReason { get; private set; }

    public void Start(TimeSpan interval) => _loop = Task.Run(() => RunAsync(interval <= TimeSpan.Zero ? TimeSpan.FromSeconds(30) : interval, _stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        _stop.Dispose();
        _cancelRequested.Dispose();
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var sent = time.GetTimestamp();
                var answer = await conductor.HeartbeatAsync(new HeartbeatRequest { Phase = Phase, CurrentStep = Step }, cancellationToken);
                WorkerTelemetry.HeartbeatAnswered(time.GetElapsedTime(sent));
                if (answer.CancelRequested && !_cancelRequested.IsCancellationRequested)
                {
                    CancelReason = string.IsNullOrEmpty(answer.CancelReason) ? "cancelled by the conductor" : answer.CancelReason;
                    LogCancelRequested(logger, CancelReason);
                    await _cancelRequested.CancelAsync();
                }

                if (answer.NextHeartbeatInterval is { } next && next.ToTimeSpan() > TimeSpan.Zero)
                {
                    interval = next.ToTimeSpan();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogHeartbeatFailed(logger, ex.Message);
            }

            try
            {
                var changed = _phaseChanged.Task;
                await Task.WhenAny(Task.Delay(interval, time, cancellationToken), changed);
                cancellationToken.ThrowIfCancellationRequested();
                if (changed.IsCompleted)
                {
                    _phaseChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 1100, EventName = "CancelRequested", Level = LogLevel.Warning, Message = "The conductor asked this worker to stop: {Reason}")]
    private static partial void LogCancelRequested(ILogger logger, string reason);

    [LoggerMessage(EventId = 1101, EventName = "HeartbeatFailed", Level = LogLevel.Warning, Message = "Heartbeat failed ({Reason}); trying again at the next interval")]
    private static partial void LogHeartbeatFailed(ILogger logger, string reason);
}
