using System.Text.Json;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// <c>result.json</c>: the job row, the result its worker reported (null when none did, e.g. a lost worker), the audit
/// trail and the sizes of the two log files. Columns become camelCase properties; <c>at</c> and <c>*_at</c> columns are UTC times.
/// What the job cost is in nano-dollars (<c>tokenCostNanoUsd</c>, <c>computeCostNanoUsd</c>; 10^-9 USD), as stored.
/// </summary>
internal static class ResultDocument
{
    private const string JobColumns =
        "id, kind, state, state_reason, attempt, ticket_key, incident_id, account, project_key, created_at, updated_at, launched_at, " +
        "connected_at, worker_version, branch, input_tokens, cached_input_tokens, cache_write_input_tokens, output_tokens, reasoning_output_tokens, " +
        "model, price_entry, compute_ms, worker_size, max_cost AS max_cost_nano_usd, max_tokens, budget_stopped_at, budget_stop_reason, " +
        "(SELECT sum(s.token_cost) FROM job_spend s WHERE s.job_id = jobs.id) AS token_cost_nano_usd, " +
        "(SELECT sum(s.compute_cost) FROM job_spend s WHERE s.job_id = jobs.id) AS compute_cost_nano_usd";

    private const string ResultColumns =
        "status, pull_request_url, branch, head_commit, summary, summary_truncated, input_tokens, cached_input_tokens, cache_write_input_tokens, output_tokens, " +
        "reasoning_output_tokens, error_code, error_message, started_at, finished_at, reported_at";

    public static void Write(Statements db, string jobId, LogCounts counts, string path)
    {
        using var file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = ArchiveJson.Encoder });
        json.WriteStartObject();
        json.WriteString("jobId", jobId);
        json.WritePropertyName("job");
        WriteSingleRow(json, db, $"SELECT {JobColumns} FROM jobs WHERE id = @id", jobId);
        json.WritePropertyName("result");
        WriteSingleRow(json, db, $"SELECT {ResultColumns} FROM job_results WHERE job_id = @id", jobId);
        json.WriteStartArray("events");
        using (var events = db.Query("SELECT at, from_state, to_state, reason FROM job_events WHERE job_id = @id ORDER BY id", ("@id", jobId)))
        {
            while (events.Read())
            {
                WriteRow(json, events);
            }
        }

        json.WriteEndArray();
        json.WriteNumber("logLines", counts.LogLines);
        json.WriteNumber("transcriptEntries", counts.TranscriptEntries);
        json.WriteEndObject();
    }

    private static void WriteSingleRow(Utf8JsonWriter json, Statements db, string sql, string jobId)
    {
        using var reader = db.Query(sql, ("@id", jobId));
        if (reader.Read())
        {
            WriteRow(json, reader);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    private static void WriteRow(Utf8JsonWriter json, SqliteDataReader row)
    {
        json.WriteStartObject();
        for (var i = 0; i < row.FieldCount; i++)
        {
            var column = row.GetName(i);
            var name = CamelCase(column);
            if (row.IsDBNull(i))
            {
                json.WriteNull(name);
            }
            else if (column == "at" || column.EndsWith("_at", StringComparison.Ordinal))
            {
                json.WriteString(name, LogFiles.Time(UnixTime.FromMs(row.GetInt64(i))));
            }
            else if (column.EndsWith("_truncated", StringComparison.Ordinal))
            {
                json.WriteBoolean(name, row.GetInt64(i) != 0);
            }
            else if (row.GetFieldType(i) == typeof(long))
            {
                json.WriteNumber(name, row.GetInt64(i));
            }
            else
            {
                json.WriteString(name, row.GetString(i));
            }
        }

        json.WriteEndObject();
    }

    private static string CamelCase(string column)
    {
        var parts = column.Split('_');
        return parts[0] + string.Concat(parts.Skip(1).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
    }
}
