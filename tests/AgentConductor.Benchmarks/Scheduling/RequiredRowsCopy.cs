using System.Diagnostics;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Benchmarks.Scheduling;

/// <summary>
/// The physical floor of what scheduling must write: every row a scheduler run stored (events, tickets, jobs,
/// their first job_events, incidents, alarms, rejected messages) inserted again, with no reads and no rules, into a
/// fresh database with the same schema, indexes, triggers and settings, one transaction per batch of events. Each
/// row goes into the batch of the event that first wrote it. Foreign keys are off for the copy (rows are copied in
/// their final state, so a ticket may name a later event), which makes this floor a little faster, never slower,
/// than the checks the scheduler runs.
/// </summary>
internal static class RequiredRowsCopy
{
    /// <summary>The table and the column holding the event that wrote a row, in the order a batch writes them.</summary>
    private static readonly (string Table, string EventColumn)[] Tables =
    [
        ("events", "id"),
        ("incidents", "opened_by_event_id"),
        ("tickets", "first_event_id"),
        ("jobs", "decided_by_event_id"),
        ("job_events", "event_id"),
        ("alarms", "event_id"),
        ("rejected_messages", "event_id"),
    ];

    /// <summary>Copies the rows of <paramref name="scheduledPath"/> into a fresh database at <paramref name="path"/>; events/s.</summary>
    public static double Measure(string scheduledPath, int batch, string path)
    {
        var rows = Tables.Select(t => ReadRows(scheduledPath, t.Table, t.EventColumn)).ToList();
        var events = rows[0].Rows.Count;
        var database = ConductorDatabase.Open(new StorageOptions { DatabasePath = path });
        using var connection = database.OpenConnection();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA foreign_keys = OFF";
            pragma.ExecuteNonQuery();
        }

        var inserts = rows.Select(r => Insert(connection, r)).ToList();
        var next = new int[rows.Count];
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < events; start += batch)
        {
            var lastEventId = (long)rows[0].Rows[Math.Min(start + batch, events) - 1][0]!;
            using var transaction = connection.BeginTransaction();
            for (var table = 0; table < rows.Count; table++)
            {
                var (command, parameters) = inserts[table];
                command.Transaction = transaction;
                var source = rows[table];
                for (; next[table] < source.Rows.Count && source.EventIds[next[table]] <= lastEventId; next[table]++)
                {
                    var values = source.Rows[next[table]];
                    for (var i = 0; i < values.Length; i++)
                    {
                        parameters[i].Value = values[i];
                    }

                    command.ExecuteNonQuery();
                }
            }

            transaction.Commit();
        }

        var rate = events / watch.Elapsed.TotalSeconds;
        foreach (var (command, _) in inserts)
        {
            command.Dispose();
        }

        return rate;
    }

    private static TableRows ReadRows(string path, string table, string eventColumn)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var select = connection.CreateCommand();
        // A row written without an event (never the case in the benchmark's stream) goes with the first batch.
        select.CommandText = $"SELECT coalesce({eventColumn}, 0), * FROM {table} ORDER BY 1";
        using var reader = select.ExecuteReader();
        var columns = Enumerable.Range(1, reader.FieldCount - 1).Select(reader.GetName).ToArray();
        var eventIds = new List<long>();
        var values = new List<object?[]>();
        while (reader.Read())
        {
            eventIds.Add(reader.GetInt64(0));
            values.Add(Enumerable.Range(1, columns.Length).Select(reader.GetValue).ToArray());
        }

        return new TableRows(table, columns, eventIds, values);
    }

    private static (SqliteCommand Command, SqliteParameter[] Parameters) Insert(SqliteConnection connection, TableRows rows)
    {
        var command = connection.CreateCommand();
        var names = rows.Columns.Select((_, i) => $"@p{i}").ToArray();
        command.CommandText = $"INSERT INTO {rows.Table} ({string.Join(", ", rows.Columns)}) VALUES ({string.Join(", ", names)})";
        var parameters = names.Select(n => command.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        return (command, parameters);
    }

    private sealed record TableRows(string Table, string[] Columns, List<long> EventIds, List<object?[]> Rows);
}
