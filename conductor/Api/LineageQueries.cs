using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// A job's lineage for the status API: the job that opened a pull request, the pull request, and its follow-ups in
/// order. Asked about any of them, it answers the same lineage; null for a job without a pull request or follow-ups.
/// </summary>
internal sealed class LineageQueries(ConductorDatabase database)
{
    public LineageView? For(string jobId)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        string parentJobId;
        using (var reader = db.Query("SELECT kind, parent_job_id FROM jobs WHERE id = CAST(@id AS TEXT)", ("@id", jobId)))
        {
            if (!reader.Read())
            {
                return null;
            }

            parentJobId = reader.GetString(0) == JobKinds.FollowUp ? reader.GetString(1) : jobId;
        }

        var followUps = new List<FollowUpLineageView>();
        string? pullRequestUrl = null, branch = null;
        using (var reader = db.Query(
            """
            SELECT j.id, j.followup_seq, j.state, j.state_reason, j.created_at, j.coalesce_until, j.pull_request_url, j.branch,
                   (SELECT count(*) FROM followup_comments c WHERE c.job_id = j.id)
            FROM jobs j WHERE j.parent_job_id = @parent ORDER BY j.followup_seq
            """,
            ("@parent", parentJobId)))
        {
            while (reader.Read())
            {
                (pullRequestUrl, branch) = (reader.GetString(6), reader.GetStringOrNull(7));
                followUps.Add(new FollowUpLineageView(
                    reader.GetString(0), reader.GetInt32(1), reader.GetString(2), reader.GetStringOrNull(3), UnixTime.FromMs(reader.GetInt64(4)),
                    UnixTime.FromMs(reader.GetInt64OrNull(5)), reader.GetInt32(8)));
            }
        }

        using (var reader = db.Query("SELECT pull_request_url, branch FROM job_results WHERE job_id = @parent AND pull_request_url IS NOT NULL", ("@parent", parentJobId)))
        {
            if (reader.Read())
            {
                (pullRequestUrl, branch) = (reader.GetString(0), reader.GetStringOrNull(1) ?? branch);
            }
        }

        if (pullRequestUrl is null)
        {
            return null;
        }

        var parsed = PullRequestUrls.Parse(pullRequestUrl);
        return new LineageView(parentJobId, new PullRequestView(pullRequestUrl, parsed?.Repository, parsed?.Number, branch), followUps);
    }
}
