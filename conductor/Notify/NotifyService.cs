using AgentConductor.Conductor.Jobs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Runs <see cref="NotifyDeliverer.RunOnceAsync"/> every <c>Notify:PollInterval</c>, and at once again after a full batch so
/// a backlog drains without waiting. Registered only when some destination is configured.
/// </summary>
internal sealed partial class NotifyService(NotifyDeliverer deliverer, IOptions<NotifyOptions> options, TimeProvider time, ILogger<NotifyService> logger)
    : BackgroundService
{
    private bool _backlog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await PassLoop.RunAsync(
            async token =>
            {
                _backlog = false;
                _backlog = await deliverer.RunOnceAsync(token) >= options.Value.BatchSize;
            },
            token => _backlog ? Task.CompletedTask : Task.Delay(options.Value.PollInterval, time, token),
            ex => Log.PassFailed(logger, ex),
            () => Log.Recovered(logger),
            stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 708, EventName = "NotifyPassFailed", Level = LogLevel.Error, Message = "A notification pass failed; retrying every poll interval (logged once until a pass succeeds)")]
        public static partial void PassFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 709, EventName = "NotifyPassRecovered", Level = LogLevel.Information, Message = "Notification passes succeed again")]
        public static partial void Recovered(ILogger logger);
    }
}
