using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Replay;

/// <summary>Reads decisions (one per job, in creation order), live incidents and rejections from a conductor database.</summary>
internal static class ReplayReportReader
{
    public static ReplayReport Read(SqliteConnection connection, int duplicates)
    {
        var decisions = new List<ReportedDecision>();
        var jobs = new List<ReportedJob>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT j.created_at, j.kind, e.message_id, j.ticket_key, j.account, j.incident_id, j.id, j.state
                FROM jobs j JOIN events e ON e.id = j.decided_by_event_id
                ORDER BY j.rowid
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                decisions.Add(new ReportedDecision(UnixTime.FromMs(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetInt64OrNull(5)));
                jobs.Add(new ReportedJob(reader.GetString(6), reader.GetString(1), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetInt64OrNull(5), reader.GetString(7)));
            }
        }

        var incidents = new List<ReportedIncident>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT i.id, i.account, i.alarm_count, i.first_alarm_at, i.last_alarm_at,
                       (SELECT count(*) FROM alarms a WHERE a.incident_id = i.id AND a.state <> 'ALARM')
                FROM incidents i WHERE i.merged_into IS NULL
                ORDER BY i.first_alarm_at, i.account, i.id
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                incidents.Add(new ReportedIncident(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), UnixTime.FromMs(reader.GetInt64(3)), UnixTime.FromMs(reader.GetInt64(4)), reader.GetInt32(5)));
            }
        }

        var rejected = new List<ReportedRejection>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT message_id, reason, detail FROM rejected_messages ORDER BY event_id";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rejected.Add(new ReportedRejection(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return new ReplayReport(decisions, incidents, rejected, jobs, duplicates);
    }
}
