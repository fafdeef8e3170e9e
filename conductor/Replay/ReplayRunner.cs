using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// Feeds steps into a fresh database through the real scheduler, a given number of messages per
/// transaction, closing and reopening store and scheduler at each restart step and recording each pull request step
/// as its worker would have, then reads the outcome back.
/// </summary>
internal static class ReplayRunner
{
    public static Task<ReplayReport> RunAsync(
        IReadOnlyList<ScenarioStep> steps,
        SchedulerOptions schedulerOptions,
        IntakeOptions intakeOptions,
        string databasePath,
        int batchSize,
        CancellationToken cancellationToken) =>
        RunAsync(steps, schedulerOptions, intakeOptions, FollowUpSettings.Default, databasePath, batchSize, cancellationToken);

    /// <param name="followUps">The follow-up rules and the webhook secret stored GitHub deliveries are verified with again.</param>
    public static async Task<ReplayReport> RunAsync(
        IReadOnlyList<ScenarioStep> steps,
        SchedulerOptions schedulerOptions,
        IntakeOptions intakeOptions,
        FollowUpSettings followUps,
        string databasePath,
        int batchSize,
        CancellationToken cancellationToken)
    {
        var storage = new StorageOptions { DatabasePath = databasePath };
        var database = ConductorDatabase.Open(storage);
        var scheduler = new Scheduler(database, schedulerOptions, intakeOptions, followUps);
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
                    scheduler = new Scheduler(database, schedulerOptions, intakeOptions, followUps);
                    continue;
                }

                if (step.PullRequest is { } pullRequest)
                {
                    duplicates += await FlushAsync(scheduler, batch, cancellationToken);
                    ReplayedPullRequests.Record(database, pullRequest, step.At);
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
