using AgentConductor.Conductor.Jobs;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// Runs <see cref="JobArchiver.RunOnceAsync"/> every <c>Archive:PollInterval</c>, and at once again after a full batch so a
/// backlog (a restart after an outage, the archive newly turned on) drains without waiting.
/// </summary>
internal sealed partial class ArchiveService(JobArchiver archiver, IOptions<ArchiveOptions> options, TimeProvider time, ILogger<ArchiveService> logger) : BackgroundService
{
    private bool _backlog;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(logger, options.Value.Bucket!, options.Value.KeyPrefix);
        await PassLoop.RunAsync(
            async token =>
            {
                _backlog = false;
                _backlog = await archiver.RunOnceAsync(token) >= options.Value.BatchSize;
            },
            token => _backlog ? Task.CompletedTask : Task.Delay(options.Value.PollInterval, time, token),
            ex => Log.PassFailed(logger, ex),
            () => Log.Recovered(logger),
            stoppingToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 564, EventName = "ArchiveStarted", Level = LogLevel.Information, Message = "Archiving finished jobs to bucket {Bucket} under '{Prefix}'")]
        public static partial void Started(ILogger logger, string bucket, string prefix);

        [LoggerMessage(EventId = 565, EventName = "ArchivePassFailed", Level = LogLevel.Error, Message = "An archive pass failed; retrying every poll interval (logged once until a pass succeeds)")]
        public static partial void PassFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 566, EventName = "ArchiveRecovered", Level = LogLevel.Information, Message = "Archive passes succeed again")]
        public static partial void Recovered(ILogger logger);
    }
}
