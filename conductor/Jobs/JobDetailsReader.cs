using System.Text.Json;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Jobs;

/// <summary>Reads a job with its ticket or its incident's alarms.</summary>
internal static class JobDetailsReader
{
    private const int MaxAlarms = 200;

    public static JobDetails? Read(Statements db, string jobId)
    {
        string kind;
        JobState state;
        string? ticketKey, account, projectKey;
        long? incidentId;
        using (var reader = db.Query("SELECT kind, state, ticket_key, incident_id, account, project_key FROM jobs WHERE id = @id", ("@id", jobId)))
        {
            if (!reader.Read())
            {
                return null;
            }

            (kind, state) = (reader.GetString(0), JobStates.Parse(reader.GetString(1)));
            (ticketKey, incidentId, account, projectKey) = (reader.GetStringOrNull(2), reader.GetInt64OrNull(3), reader.GetStringOrNull(4), reader.GetStringOrNull(5));
        }

        var ticket = ticketKey is null ? null : ReadTicket(db, ticketKey);
        var alarms = incidentId is { } incident ? ReadAlarms(db, incident) : [];
        return new JobDetails(jobId, kind, state, ticketKey, incidentId, account, projectKey, ticket, alarms);
    }

    private static TicketDetails? ReadTicket(Statements db, string key)
    {
        using var reader = db.Query(
            "SELECT project_key, summary, description, labels, components, status, issue_type, priority, url FROM tickets WHERE key = @key",
            ("@key", key));
        return reader.Read()
            ? new TicketDetails(
                key, reader.GetString(0), reader.GetStringOrNull(1), reader.GetStringOrNull(2), ParseList(reader.GetString(3)),
                ParseList(reader.GetString(4)), reader.GetStringOrNull(5), reader.GetStringOrNull(6), reader.GetStringOrNull(7), reader.GetStringOrNull(8))
            : null;
    }

    private static List<AlarmDetails> ReadAlarms(Statements db, long incidentId)
    {
        using var reader = db.Query(
            $"""
            SELECT alarm_name, state, reason, description, region, alarm_arn, alarm_at FROM alarms
            WHERE incident_id = @incident ORDER BY state <> 'ALARM', alarm_at, event_id LIMIT {MaxAlarms}
            """,
            ("@incident", incidentId));
        var alarms = new List<AlarmDetails>();
        while (reader.Read())
        {
            alarms.Add(new AlarmDetails(
                reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3),
                reader.GetStringOrNull(4), reader.GetStringOrNull(5), UnixTime.FromMs(reader.GetInt64(6))));
        }

        return alarms;
    }

    private static List<string> ParseList(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<List<string>>(json) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
