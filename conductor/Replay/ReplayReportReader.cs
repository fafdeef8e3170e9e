using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using Microsoft.Data.Sqlite;

namespace AgentConductor.Conductor.Replay;

/// <summary>Reads decisions (one per job, in creation order), live incidents, rejections and GitHub deliveries from a conductor database.</summary>
internal static class ReplayReportReader
{
    public static ReplayReport Read(SqliteConnection connection, int duplicates)
    {
        // Databases from before follow-ups (replay inputs) are read without them.
        var followUps = HasTable(connection, "github_deliveries");
        var decisions = new List<ReportedDecision>();
        var jobs = new List<ReportedJob>();
        using (var command = connection.CreateCommand())
        {
            // A follow-up is reported with its parent's ticket and account.
            command.CommandText = followUps
                ? """
                  SELECT j.created_at, j.kind, e.message_id, coalesce(j.ticket_key, p.ticket_key), coalesce(j.account, p.account), j.incident_id, j.id, j.state,
                         j.pull_request_url, j.followup_seq, (SELECT count(*) FROM followup_comments c WHERE c.job_id = j.id)
                  FROM jobs j JOIN events e ON e.id = j.decided_by_event_id LEFT JOIN jobs p ON p.id = j.parent_job_id
                  ORDER BY j.rowid
                  """
                : """
                  SELECT j.created_at, j.kind, e.message_id, j.ticket_key, j.account, j.incident_id, j.id, j.state, NULL, NULL, 0
                  FROM jobs j JOIN events e ON e.id = j.decided_by_event_id
                  ORDER BY j.rowid
                  """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var pullRequest = reader.GetStringOrNull(8) is { } url ? PullRequestUrls.Describe(url) : null;
                decisions.Add(new ReportedDecision(UnixTime.FromMs(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetInt64OrNull(5))
                {
                    PullRequest = pullRequest,
                });
                jobs.Add(new ReportedJob(reader.GetString(6), reader.GetString(1), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetInt64OrNull(5), reader.GetString(7))
                {
                    PullRequest = pullRequest,
                    Sequence = reader.IsDBNull(9) ? null : reader.GetInt32(9),
                    Comments = reader.GetInt32(10),
                });
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

        return new ReplayReport(decisions, incidents, rejected, jobs, duplicates) { Deliveries = followUps ? ReadDeliveries(connection) : [] };
    }

    private static bool HasTable(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = @name";
        command.Parameters.AddWithValue("@name", name);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static List<ReportedDelivery> ReadDeliveries(SqliteConnection connection)
    {
        var deliveries = new List<ReportedDelivery>();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.message_id, d.delivery_id, d.event, d.outcome, d.reason, d.repository || '#' || d.pull_request, j.followup_seq
            FROM github_deliveries d JOIN events e ON e.id = d.event_id LEFT JOIN jobs j ON j.id = d.job_id
            ORDER BY d.event_id
            """;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            deliveries.Add(new ReportedDelivery(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetStringOrNull(5), reader.IsDBNull(6) ? null : reader.GetInt32(6)));
        }

        return deliveries;
    }
}
