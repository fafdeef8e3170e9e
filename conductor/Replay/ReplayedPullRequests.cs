using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Replay;

/// <summary>
/// Records a <see cref="ReplayedPullRequest"/> as the worker API stores a result (a <c>job_results</c> row, status
/// <c>succeeded</c>), so the follow-up rules find the pull request. The job's state is left as the scheduler made it:
/// a replay runs no workers.
/// </summary>
internal static class ReplayedPullRequests
{
    public static void Record(ConductorDatabase database, ReplayedPullRequest pullRequest, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        var jobId = pullRequest.TicketKey is { } key
            ? db.QueryString("SELECT id FROM jobs WHERE ticket_key = CAST(@key AS TEXT)", ("@key", key))
            : db.QueryString(
                "SELECT j.id FROM jobs j JOIN events e ON e.id = j.decided_by_event_id WHERE e.message_id = CAST(@key AS TEXT) AND j.kind <> 'followup' ORDER BY j.rowid LIMIT 1",
                ("@key", pullRequest.DecidedBy));
        if (jobId is null)
        {
            throw new ScenarioFormatException("steps", [$"the pull request step at {ReplayOutput.Iso(at)} names {Named(pullRequest)}, which has no job at that point"]);
        }

        db.Execute(
            """
            INSERT INTO job_results (job_id, status, pull_request_url, branch, reported_at) VALUES (@job, 'succeeded', CAST(@url AS TEXT), CAST(@branch AS TEXT), @at)
            ON CONFLICT (job_id) DO UPDATE SET pull_request_url = excluded.pull_request_url, branch = excluded.branch, reported_at = excluded.reported_at
            """,
            ("@job", jobId), ("@url", pullRequest.Url), ("@branch", pullRequest.Branch), ("@at", UnixTime.ToMs(at)));
    }

    private static string Named(ReplayedPullRequest pullRequest) =>
        pullRequest.TicketKey is { } key ? $"ticket {key}" : $"the job decided by message {pullRequest.DecidedBy}";
}
