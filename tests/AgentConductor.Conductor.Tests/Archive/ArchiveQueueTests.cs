using AgentConductor.Conductor.Archive;
using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Tests.Archive;

/// <summary>The queue of finished jobs: filled by trigger when a job ends, and for jobs that ended before the migration.</summary>
public sealed class ArchiveQueueTests
{
    private static readonly DateTimeOffset T0 = ConductorHost.T0;

    [Fact]
    public void Migration_JobsFinishedBeforeIt_AreQueuedWithTheirLastTransition()
    {
        using var directory = new TempDirectory();
        var path = directory.File("c.db");
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            foreach (var migration in SchemaMigrator.Migrations.Where(m => m.Version <= 3))
            {
                Exec(connection, migration.Sql);
            }

            Exec(connection, """
                PRAGMA user_version = 3;
                INSERT INTO events (id, message_id, received_at, kind, body) VALUES (1, 'm1', 0, 'ticket', '{}'), (2, 'm2', 0, 'ticket', '{}');
                INSERT INTO jobs (id, kind, state, ticket_key, decided_by_event_id, created_at, updated_at)
                    VALUES ('done', 'ticket', 'succeeded', 'A-1', 1, 0, 0), ('busy', 'ticket', 'running', 'A-2', 2, 0, 0);
                INSERT INTO job_events (id, job_id, at, from_state, to_state) VALUES
                    (10, 'done', 1000, NULL, 'pending'), (11, 'busy', 1000, NULL, 'pending'), (12, 'done', 5000, 'running', 'succeeded'), (13, 'busy', 6000, 'connected', 'running');
                """);
        }

        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = path });

        var due = new ArchiveQueue(database).Due(T0, 10);
        Assert.Equal([new PendingArchive("done", 12, 0)], due);
        Assert.Empty(new ArchiveQueue(database).Due(DateTimeOffset.FromUnixTimeMilliseconds(4999), 10));
    }

    [Fact]
    public void MarkArchived_RowQueuedAgainMeanwhile_StaysDue()
    {
        using var directory = new TempDirectory();
        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = directory.File("c.db") });
        using (var connection = database.OpenConnection())
        {
            Exec(connection, """
                INSERT INTO events (id, message_id, received_at, kind, body) VALUES (1, 'm1', 0, 'ticket', '{}');
                INSERT INTO jobs (id, kind, state, ticket_key, decided_by_event_id, created_at, updated_at) VALUES ('j', 'ticket', 'lost', 'A-1', 1, 0, 0);
                INSERT INTO job_events (id, job_id, at, from_state, to_state) VALUES (20, 'j', 1000, 'running', 'lost');
                """);
        }

        var queue = new ArchiveQueue(database);
        var read = Assert.Single(queue.Due(T0, 10));
        using (var connection = database.OpenConnection())
        {
            // The job ended again (a later attempt) after the archiver read it.
            Exec(connection, "INSERT INTO job_events (id, job_id, at, from_state, to_state) VALUES (21, 'j', 2000, 'running', 'failed');");
        }

        Assert.False(queue.MarkArchived(read, "s3://b/j/", "https://b/j/", T0));
        Assert.False(queue.MarkFailed(read, "boom", T0.AddHours(1)));
        Assert.Equal([new PendingArchive("j", 21, 0)], queue.Due(T0, 10));
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
