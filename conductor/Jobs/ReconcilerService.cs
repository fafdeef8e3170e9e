using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Jobs;

/// <summary>Runs <see cref="Reconciler.RunOnceAsync"/> every <c>Reconcile:PollInterval</c>; the first pass re-adopts workers.</summary>
internal sealed partial class ReconcilerService(
    Reconciler reconciler, IOptions<ReconcileOptions> options, TimeProvider time, ILogger<ReconcilerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await PassLoop.RunAsync(
            reconciler.RunOnceAsync,
            token => Task.Delay(options.Value.PollInterval, time, token),
            ex => Log.PassFailed(logger, ex),
            () => Log.Recovered(logger),
            stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 440, EventName = "ReconcilePassFailed", Level = LogLevel.Error, Message = "A reconcile pass failed; retrying every poll interval (logged once until a pass succeeds)")]
        public static partial void PassFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 441, EventName = "ReconcileRecovered", Level = LogLevel.Information, Message = "Reconcile passes succeed again")]
        public static partial void Recovered(ILogger logger);
    }
}
