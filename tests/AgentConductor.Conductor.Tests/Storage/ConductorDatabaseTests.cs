using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Tests.Storage;

public sealed class ConductorDatabaseTests
{
    [Fact]
    public void Open_FreshPath_CreatesFolderAndMigratesInWalMode()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "nested", "conductor.db");

        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = path });

        using var connection = database.OpenConnection();
        Assert.Equal(SchemaMigrator.LatestVersion, SchemaMigrator.ReadVersion(connection));
        Assert.Equal("wal", Query(connection, "PRAGMA journal_mode"));
        foreach (var table in new[] { "events", "rejected_messages", "tickets", "incidents", "alarms", "jobs", "job_events" })
        {
            Assert.Equal(table, Query(connection, $"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{table}'"));
        }
    }

    [Fact]
    public void OpenConnection_AnotherWriterHoldsTheLock_WriteGivesUpAfterTheBusyTimeoutNotTheDriversDefault()
    {
        using var directory = new TempDirectory();
        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = directory.File("c.db"), BusyTimeout = TimeSpan.FromMilliseconds(200) });
        using var holder = database.OpenConnection();
        using var held = holder.BeginTransaction(deferred: false);
        using var writer = database.OpenConnection();
        using var write = writer.CreateCommand();
        write.CommandText = "BEGIN IMMEDIATE";

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var busy = Assert.Throws<SqliteException>(() => write.ExecuteNonQuery());
        clock.Stop();

        Assert.Equal(5, busy.SqliteErrorCode); // SQLITE_BUSY
        // It waited (SQLite's busy_timeout, then the driver's retries up to the whole second above it), but not for the
        // driver's 30 s default nor the setting's 5 s default.
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public void Open_Twice_IsIdempotent()
    {
        using var directory = new TempDirectory();
        var options = new StorageOptions { DatabasePath = directory.File("c.db") };
        ConductorDatabase.Open(options);

        var again = ConductorDatabase.Open(options);

        using var connection = again.OpenConnection();
        Assert.Equal(SchemaMigrator.LatestVersion, SchemaMigrator.ReadVersion(connection));
    }

    [Fact]
    public void Open_DatabaseFromNewerConductor_FailsNamingBothVersions()
    {
        using var directory = new TempDirectory();
        var options = new StorageOptions { DatabasePath = directory.File("c.db") };
        using (var connection = ConductorDatabase.Open(options).OpenConnection())
        {
            Query(connection, $"PRAGMA user_version = {SchemaMigrator.LatestVersion + 1}");
        }

        var error = Assert.Throws<StorageException>(() => ConductorDatabase.Open(options));

        Assert.Contains($"schema version {SchemaMigrator.LatestVersion + 1}", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FileThatIsNotADatabase_FailsWithClearMessageAndLeavesFileAlone()
    {
        using var directory = new TempDirectory();
        var path = directory.File("notes.db");
        File.WriteAllText(path, "these are not the pages you are looking for, and certainly not an SQLite header at all");

        var error = Assert.Throws<StorageException>(() => ConductorDatabase.Open(new StorageOptions { DatabasePath = path }));

        Assert.Contains("not a conductor database", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("these are not", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Open_DatabaseWhoseAttemptsCountedFromZero_NumbersThemFromOne()
    {
        using var directory = new TempDirectory();
        var path = directory.File("c.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            foreach (var migration in SchemaMigrator.Migrations.Where(m => m.Version <= 5))
            {
                Query(connection, migration.Sql);
            }

            Query(connection, """
                PRAGMA user_version = 5;
                INSERT INTO events (id, message_id, received_at, kind, body) VALUES (1, 'm1', 0, 'ticket', '{}');
                INSERT INTO jobs (id, kind, state, ticket_key, decided_by_event_id, created_at, updated_at) VALUES ('j0', 'ticket', 'pending', 'PAY-1', 1, 0, 0);
                INSERT INTO jobs (id, kind, state, attempt, ticket_key, decided_by_event_id, created_at, updated_at) VALUES ('j1', 'ticket', 'pending', 1, 'PAY-2', 1, 0, 0);
                """);
        }

        using var migrated = ConductorDatabase.Open(new StorageOptions { DatabasePath = path }).OpenConnection();

        Assert.Equal("j0:1 j1:2", Query(migrated, "SELECT group_concat(id || ':' || attempt, ' ') FROM (SELECT id, attempt FROM jobs ORDER BY id)"));
    }

    [Fact]
    public void Migrations_AreNumberedWithoutGaps() =>
        Assert.Equal(Enumerable.Range(1, SchemaMigrator.LatestVersion), SchemaMigrator.Migrations.Select(m => m.Version));

    private static object? Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
