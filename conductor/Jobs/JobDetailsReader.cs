using System.Text.Json;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Jobs;

/// <summary>Reads a job with its ticket, its incident's alarms, or (a follow-up) its pull request and comments.</summary>
internal static class JobDetailsReader
{
    private const int MaxAlarms = 200;
    private const int MaxComments = 200;

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
        return new JobDetails(jobId, kind, state, ticketKey, incidentId, account, projectKey, ticket, alarms)
        {
            FollowUp = kind == JobKinds.FollowUp ? ReadFollowUp(db, jobId) : null,
        };
    }

    private static FollowUpDetails? ReadFollowUp(Statements db, string jobId)
    {
        string parentJobId, url;
        int sequence;
        int? number;
        string? branch, cloneUrl, baseBranch;
        using (var reader = db.Query(
            "SELECT parent_job_id, followup_seq, pull_request_url, pull_request_number, branch, clone_url, base_branch FROM jobs WHERE id = @id", ("@id", jobId)))
        {
            if (!reader.Read())
            {
                return null;
            }

            (parentJobId, sequence, url) = (reader.GetString(0), reader.GetInt32(1), reader.GetString(2));
            number = reader.IsDBNull(3) ? null : reader.GetInt32(3);
            (branch, cloneUrl, baseBranch) = (reader.GetStringOrNull(4), reader.GetStringOrNull(5), reader.GetStringOrNull(6));
        }

        // A follow-up's parent is never a follow-up, so this reads one level only.
        var parentTitle = Read(db, parentJobId)?.Title ?? parentJobId;
        return new FollowUpDetails(parentJobId, parentTitle, sequence, url, number, branch, cloneUrl, baseBranch, ReadComments(db, jobId));
    }

    private static List<FollowUpComment> ReadComments(Statements db, string jobId)
    {
        using var reader = db.Query(
            $"""
            SELECT kind, github_id, review_id, author, author_association, state, body, path, line, start_line, diff_hunk, commit_id, url, created_at
            FROM followup_comments WHERE job_id = @job ORDER BY event_id LIMIT {MaxComments}
            """,
            ("@job", jobId));
        var comments = new List<FollowUpComment>();
        while (reader.Read())
        {
            comments.Add(new FollowUpComment(
                reader.GetString(0), reader.GetInt64(1), reader.GetInt64OrNull(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4),
                reader.GetStringOrNull(5), reader.GetStringOrNull(6), reader.GetStringOrNull(7), reader.IsDBNull(8) ? null : reader.GetInt32(8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.GetStringOrNull(10), reader.GetStringOrNull(11), reader.GetStringOrNull(12),
                UnixTime.FromMs(reader.GetInt64OrNull(13))));
        }

        return comments;
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
