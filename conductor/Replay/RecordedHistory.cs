using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// A conductor database used as replay input: its stored messages in the order the scheduler committed them (event id
/// order, which is not always receive order: concurrent pollers stamp receive times before they queue for the writer),
/// each with the bytes that arrived, and the decisions it recorded. Opened read-only; the file is never changed.
/// </summary>
internal static class RecordedHistory
{
    private static ReadOnlySpan<byte> SqliteMagic => "SQLite format 3\0"u8;

    public static bool IsDatabase(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var file = File.OpenRead(path);
        return file.Read(header) == 16 && header.SequenceEqual(SqliteMagic);
    }

    public static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var version = SchemaMigrator.ReadVersion(connection);
        if (version == 0 || version > SchemaMigrator.LatestVersion)
        {
            connection.Dispose();
            throw new StorageException(version == 0
                ? $"'{path}' is an SQLite file but not a conductor database (no schema version)."
                : $"'{path}' has schema version {version}, newer than this conductor understands (up to {SchemaMigrator.LatestVersion}).");
        }

        return connection;
    }

    /// <summary>
    /// The stored messages in commit order, with each pull request a job reported placed before the first message received
    /// at or after the report (follow-ups look pull requests up; a replay runs no workers to report them).
    /// </summary>
    public static List<ScenarioStep> ReadSteps(SqliteConnection connection)
    {
        var pullRequests = new Queue<ScenarioStep>(ReadPullRequests(connection));
        var steps = new List<ScenarioStep>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, body, received_at, body_bytes FROM events ORDER BY id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var receivedAt = UnixTime.FromMs(reader.GetInt64(2));
            while (pullRequests.TryPeek(out var reported) && reported.At <= receivedAt)
            {
                steps.Add(pullRequests.Dequeue());
            }

            steps.Add(new ScenarioStep(receivedAt, reader.GetString(0), reader.GetString(1), Restart: false)
            {
                BodyBytes = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3),
            });
        }

        steps.AddRange(pullRequests);
        return steps;
    }

    private static List<ScenarioStep> ReadPullRequests(SqliteConnection connection)
    {
        var steps = new List<ScenarioStep>();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.reported_at, e.message_id, r.pull_request_url, coalesce(r.branch, j.branch)
            FROM job_results r JOIN jobs j ON j.id = r.job_id JOIN events e ON e.id = j.decided_by_event_id
            WHERE r.pull_request_url IS NOT NULL AND coalesce(r.branch, j.branch) IS NOT NULL AND j.kind <> 'followup'
            ORDER BY r.reported_at, r.job_id
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            steps.Add(new ScenarioStep(UnixTime.FromMs(reader.GetInt64(0)), null, null, Restart: false)
            {
                PullRequest = new ReplayedPullRequest(null, reader.GetString(1), reader.GetString(2), reader.GetString(3)),
            });
        }

        return steps;
    }
}
