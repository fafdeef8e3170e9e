using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// Feeds steps into a fresh database through the real scheduler, a given number of messages per
/// transaction, closing and reopening store and scheduler at each restart step, then reads the outcome back.
/// </summary>
internal static class ReplayRunner
{
    public static async Task<ReplayReport> RunAsync(
        IReadOnlyList<ScenarioStep> steps,
        SchedulerOptions schedulerOptions,
        IntakeOptions intakeOptions,
        string databasePath,
        int batchSize,
        CancellationToken cancellationToken)
    {
        var storage = new StorageOptions { DatabasePath = databasePath };
        var database = ConductorDatabase.Open(storage);
        var scheduler = new Scheduler(database, schedulerOptions, intakeOptions);
        var batch = new List<InboundMessage>(batchSize);
        var duplicates = 0;
        try
        {
            foreach (var step in steps)
            {
                if (step.Restart)
                {
                    duplicates += await FlushAsync(scheduler, batch, cancellationToken);
                    scheduler.Dispose();
                    SqliteConnection.ClearAllPools();
                    database = ConductorDatabase.Open(storage);
                    scheduler = new Scheduler(database, schedulerOptions, intakeOptions);
                    continue;
                }

                batch.Add(step.ToMessage());
                if (batch.Count >= batchSize)
                {
                    duplicates += await FlushAsync(scheduler, batch, cancellationToken);
                }
            }

            duplicates += await FlushAsync(scheduler, batch, cancellationToken);
        }
        finally
        {
            scheduler.Dispose();
        }

        using var connection = database.OpenConnection();
        return ReplayReportReader.Read(connection, duplicates);
    }

    private static async Task<int> FlushAsync(Scheduler scheduler, List<InboundMessage> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }

        var result = await scheduler.ScheduleAsync(batch, cancellationToken);
        batch.Clear();
        return result.Messages.Count(m => m.Disposition == MessageDisposition.Duplicate);
    }
}
