using AgentConductor.Conductor.Storage;
using AgentConductor.TestSupport;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Tests.Storage;

/// <summary>
/// The follow-ups migration widens the kinds of events and jobs by rebuilding both tables from their stored definitions:
/// a database written before keeps every row, column, index and reference, whatever other migrations added.
/// </summary>
public sealed class FollowUpsMigrationTests
{
    /// <summary>The migrations before this one (whatever its number once branches are merged).</summary>
    private static readonly List<Migration> Before = [.. SchemaMigrator.Migrations.TakeWhile(m => m.Name != "follow_ups")];

    [Fact]
    public void Open_DatabaseFromBeforeFollowUps_KeepsEveryRowColumnAndIndexAndEnforcesTheNewChecks()
    {
        using var directory = new TempDirectory();
        var path = directory.File("v6.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            old.Open();
            foreach (var migration in Before)
            {
                Execute(old, migration.Sql + $"\nPRAGMA user_version = {migration.Version};");
            }

            Execute(old, """
                PRAGMA foreign_keys = ON;
                INSERT INTO events (id, message_id, received_at, kind, format, ticket_key, outcome, body, body_bytes) VALUES (1, 'm1', 1000, 'ticket', 'jira-webhook', 'PAY-1', 'created', '{}', x'00ff');
                INSERT INTO tickets (key, project_key, first_event_id, last_event_id, first_seen_at, last_seen_at) VALUES ('PAY-1', 'PAY', 1, 1, 1000, 1000);
                INSERT INTO jobs (id, kind, state, attempt, ticket_key, project_key, decided_by_event_id, created_at, updated_at, token_hash, branch, repository, input_tokens)
                    VALUES ('j1', 'ticket', 'succeeded', 2, 'PAY-1', 'PAY', 1, 1000, 2000, x'0102', 'agent/j1/fix', 'https://github.com/acme/pay', 77);
                INSERT INTO job_events (job_id, at, to_state, event_id) VALUES ('j1', 1000, 'pending', 1);
                INSERT INTO job_results (job_id, status, pull_request_url, branch, reported_at) VALUES ('j1', 'succeeded', 'https://github.com/acme/pay/pull/7', 'agent/j1/fix', 2000);
                -- As another branch's migration ordered before this one would: a column and an index of its own.
                ALTER TABLE jobs ADD COLUMN another_branch_tokens INTEGER NOT NULL DEFAULT 0;
                UPDATE jobs SET another_branch_tokens = 5;
                CREATE INDEX jobs_by_another_branch_tokens ON jobs (another_branch_tokens);
                """);
        }

        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = path });

        using var connection = database.OpenConnection();
        Assert.Equal(SchemaMigrator.LatestVersion, SchemaMigrator.ReadVersion(connection));
        Assert.Equal("m1|ticket|2|2|PAY-1|77|agent/j1/fix|https://github.com/acme/pay|5", Query(connection,
            """
            SELECT e.message_id || '|' || e.kind || '|' || length(e.body_bytes) || '|' || j.attempt || '|' || j.ticket_key || '|' || j.input_tokens
                || '|' || j.branch || '|' || j.repository || '|' || j.another_branch_tokens
            FROM jobs j JOIN events e ON e.id = j.decided_by_event_id
            """));
        Assert.Equal("1", Query(connection, "PRAGMA foreign_keys"));
        Assert.Equal("0", Query(connection, "SELECT count(*) FROM pragma_foreign_key_check"));
        foreach (var index in new[] { "events_by_received", "jobs_by_state", "jobs_by_token_hash", "jobs_by_repository", "jobs_by_another_branch_tokens", "jobs_followups", "job_results_by_pull_request" })
        {
            Assert.Equal(index, Query(connection, $"SELECT name FROM sqlite_master WHERE type = 'index' AND name = '{index}'"));
        }

        // The references still hold and are enforced, and the new kinds and their constraints apply.
        Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO job_events (job_id, at, to_state) VALUES ('nope', 1, 'pending')"));
        Execute(connection, "INSERT INTO events (id, message_id, received_at, kind, body) VALUES (2, 'github-delivery:d1', 3000, 'github', '{}')");
        Execute(connection, """
            INSERT INTO jobs (id, kind, state, decided_by_event_id, created_at, updated_at, parent_job_id, followup_seq, pull_request_url)
            VALUES ('f1', 'followup', 'pending', 2, 3000, 3000, 'j1', 1, 'https://github.com/acme/pay/pull/7')
            """);
        Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO jobs (id, kind, state, decided_by_event_id, created_at, updated_at) VALUES ('f2', 'followup', 'pending', 2, 1, 1)"));
        Assert.Throws<SqliteException>(() => Execute(connection, """
            INSERT INTO jobs (id, kind, state, decided_by_event_id, created_at, updated_at, parent_job_id, followup_seq, pull_request_url)
            VALUES ('f3', 'followup', 'pending', 2, 3000, 3000, 'j1', 1, 'https://github.com/acme/pay/pull/7')
            """));
        Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO events (id, message_id, received_at, kind, body) VALUES (3, 'x', 1, 'email', '{}')"));
    }

    [Fact]
    public void Migrate_ThatWouldBreakAReference_IsRefusedAndRolledBack()
    {
        using var directory = new TempDirectory();
        var path = directory.File("broken.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=False;Foreign Keys=False"))
        {
            old.Open();
            foreach (var migration in Before)
            {
                Execute(old, migration.Sql + $"\nPRAGMA user_version = {migration.Version};");
            }

            // Written with foreign keys off: a job event of a job that does not exist.
            Execute(old, "INSERT INTO job_events (job_id, at, to_state) VALUES ('ghost', 1, 'pending')");
        }

        var error = Assert.Throws<StorageException>(() => ConductorDatabase.Open(new StorageOptions { DatabasePath = path }));

        Assert.Contains("(follow_ups) would leave broken references", error.Message, StringComparison.Ordinal);
        Assert.Contains("job_events", error.Message, StringComparison.Ordinal);
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Assert.Equal(Before.Last().Version, SchemaMigrator.ReadVersion(connection));
    }

    [Fact]
    public void Rebuild_DefinitionWithoutTheTextToChange_IsRefusedNamingTheTable()
    {
        using var directory = new TempDirectory();
        using var connection = new SqliteConnection($"Data Source={directory.File("t.db")};Pooling=False");
        connection.Open();
        Execute(connection, "CREATE TABLE things (id INTEGER PRIMARY KEY, kind TEXT CHECK (kind IN ('a')))");
        using var transaction = connection.BeginTransaction();

        var error = Assert.Throws<StorageException>(() => TableRebuild.Replace(connection, transaction, "things", ("CHECK (kind IN ('b'))", "CHECK (kind IN ('b', 'c'))")));

        Assert.Contains("Cannot rebuild table things", error.Message, StringComparison.Ordinal);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string? Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
