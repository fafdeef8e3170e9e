using Microsoft.Data.Sqlite;

namespace AgentConductor.Benchmarks.Load;

/// <summary>What the conductor actually stored, read from its database (read-only, beside the running conductor).</summary>
internal sealed record StoredProgress(IReadOnlyDictionary<string, long> LinesPerJob, long RunningJobs, DateTimeOffset? OldestHeartbeat)
{
    public long Lines => LinesPerJob.Values.Sum();

    public static StoredProgress Read(string databasePath)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var lines = new Dictionary<string, long>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT job_id, count(*) FROM job_logs GROUP BY job_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                lines[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        using var running = connection.CreateCommand();
        running.CommandText = "SELECT count(*), min(last_heartbeat_at) FROM jobs WHERE state = 'running'";
        using var row = running.ExecuteReader();
        row.Read();
        var oldest = row.IsDBNull(1) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(1));
        return new StoredProgress(lines, row.GetInt64(0), oldest);
    }
}
