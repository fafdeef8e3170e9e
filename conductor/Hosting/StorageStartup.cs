using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Hosting;

/// <summary>Opens and migrates the database while the host starts, so a bad database stops startup instead of the first request.</summary>
internal sealed partial class StorageStartup(IServiceProvider services, ILogger<StorageStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<ConductorDatabase>();
        Log.DatabaseReady(logger, database.Path, SchemaMigrator.LatestVersion);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 100, EventName = "DatabaseReady", Level = LogLevel.Information, Message = "Database {Path} ready at schema version {Version}")]
        public static partial void DatabaseReady(ILogger logger, string path, int version);
    }
}
