using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Archive;

/// <summary>
/// Streams a job's <c>job_logs</c> rows into <c>log.txt</c> (every row as a line: time, stream, text) and
/// <c>transcript.jsonl</c> (the agent's rows: its stdout, stderr and progress events), without holding them in memory.
/// </summary>
internal static class LogFiles
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static LogCounts Write(Statements db, string jobId, string logPath, string transcriptPath, SecretRegistry secrets)
    {
        using var log = new StreamWriter(logPath, append: false, Utf8) { NewLine = "\n" };
        using var transcriptFile = File.Create(transcriptPath);
        using var transcript = new Utf8JsonWriter(transcriptFile, new JsonWriterOptions { Encoder = ArchiveJson.Encoder });
        using var reader = db.Query("SELECT seq, at, worker_at, stream, text, truncated FROM job_logs WHERE job_id = @id ORDER BY seq", ("@id", jobId));
        long lines = 0, entries = 0;
        while (reader.Read())
        {
            var at = UnixTime.FromMs(reader.GetInt64(1));
            var workerAt = UnixTime.FromMs(reader.GetInt64OrNull(2));
            var stream = reader.GetString(3);
            var text = secrets.Mask(reader.GetString(4));
            var truncated = reader.GetInt64(5) != 0;
            log.WriteLine($"{Time(workerAt ?? at)} {stream,-8} {text}{(truncated ? " [truncated]" : "")}");
            lines++;
            if (stream is "stdout" or "stderr" or "progress")
            {
                WriteEntry(transcript, reader.GetInt64(0), at, workerAt, stream, text, truncated);
                transcript.Flush();
                transcriptFile.WriteByte((byte)'\n');
                transcript.Reset();
                entries++;
            }
        }

        return new LogCounts(lines, entries);
    }

    private static void WriteEntry(Utf8JsonWriter json, long seq, DateTimeOffset at, DateTimeOffset? workerAt, string stream, string text, bool truncated)
    {
        json.WriteStartObject();
        json.WriteNumber("seq", seq);
        json.WriteString("at", Time(at));
        if (workerAt is { } worker)
        {
            json.WriteString("workerAt", Time(worker));
        }

        json.WriteString("stream", stream);
        if (stream == "progress" && !truncated && ParseObject(text) is { } progress)
        {
            using (progress)
            {
                json.WritePropertyName("event");
                progress.RootElement.WriteTo(json);
            }
        }
        else
        {
            json.WriteString("text", text);
        }

        if (truncated)
        {
            json.WriteBoolean("truncated", true);
        }

        json.WriteEndObject();
    }

    private static JsonDocument? ParseObject(string text)
    {
        try
        {
            var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
