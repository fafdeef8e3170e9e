using AgentConductor.Conductor.Storage;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Before any hosted service starts (so before a job can move): writes the configured destinations into the database,
/// where <see cref="NotifyOutbox"/> reads them, dead-letters pending deliveries whose destination is gone, and makes the
/// attempts a stop or crash cut off due again (same event ids). Runs with notifications off too, so that turning them
/// off stops new rows.
/// </summary>
internal sealed partial class NotifyStartup(
    ConductorDatabase database, IOptions<NotifyOptions> notify, IOptions<JiraOptions> jira, TimeProvider time, ILogger<NotifyStartup> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        var destinations = NotifyDestinations.From(notify.Value, jira.Value);
        var now = time.GetUtcNow();
        var orphaned = NotifyDestinations.Sync(database, destinations, now);
        if (orphaned > 0)
        {
            Log.Orphaned(logger, orphaned);
        }

        var interrupted = new NotifyQueue(database).ReleaseInterrupted(now);
        if (interrupted > 0)
        {
            Log.Interrupted(logger, interrupted);
        }

        if (destinations.Count > 0)
        {
            var names = string.Join(", ", destinations.Select(d => d.Name));
            Log.Started(logger, names);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, EventName = "NotifyStarted", Level = LogLevel.Information, Message = "Notifications go to: {Destinations}")]
        public static partial void Started(ILogger logger, string destinations);

        [LoggerMessage(EventId = 706, EventName = "NotifyInterruptedResent", Level = LogLevel.Information,
            Message = "{Count} deliveries were in flight when the conductor stopped; they are sent again with the same event ids")]
        public static partial void Interrupted(ILogger logger, int count);

        [LoggerMessage(EventId = 707, EventName = "NotifyDestinationsRemoved", Level = LogLevel.Warning,
            Message = "{Count} pending deliveries were for destinations no longer configured; they are dead-lettered (GET /v1/notifications?state=dead)")]
        public static partial void Orphaned(ILogger logger, int count);
    }
}
