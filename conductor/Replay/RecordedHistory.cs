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

    public static List<ScenarioStep> ReadSteps(SqliteConnection connection)
    {
        var steps = new List<ScenarioStep>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT message_id, body, received_at, body_bytes FROM events ORDER BY id";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            steps.Add(new ScenarioStep(UnixTime.FromMs(reader.GetInt64(2)), reader.GetString(0), reader.GetString(1), Restart: false)
            {
                BodyBytes = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3),
            });
        }

        return steps;
    }
}
