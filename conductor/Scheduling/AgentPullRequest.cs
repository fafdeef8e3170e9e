using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// A pull request the conductor opened: a job (never a follow-up) whose worker reported it, with what a follow-up takes
/// from that job (its branch, route, account and project).
/// </summary>
internal sealed record AgentPullRequest(
    string JobId, string Url, string? Branch, string? TicketKey, string? Account, string? ProjectKey, string? CloneUrl, string? BaseBranch)
{
    private const string Select = """
        SELECT r.job_id, r.pull_request_url, coalesce(r.branch, j.branch), j.ticket_key, j.account, j.project_key,
               coalesce(j.clone_url, j.repository), j.base_branch
        FROM job_results r JOIN jobs j ON j.id = r.job_id
        """;

    /// <summary>The job that reported <paramref name="url"/> (compared ignoring case, as GitHub's paths are).</summary>
    public static AgentPullRequest? ByUrl(Statements db, string url) =>
        Read(db, $"{Select} WHERE r.pull_request_url = @key COLLATE NOCASE AND j.kind <> 'followup' ORDER BY r.reported_at, r.job_id LIMIT 1", url);

    /// <summary>The job that pushed <paramref name="branch"/> and reported a pull request for it.</summary>
    public static AgentPullRequest? ByBranch(Statements db, string branch) =>
        Read(db, $"{Select} WHERE r.branch = @key AND r.pull_request_url IS NOT NULL AND j.kind <> 'followup' ORDER BY r.reported_at, r.job_id LIMIT 1", branch);

    private static AgentPullRequest? Read(Statements db, string sql, string key)
    {
        using var reader = db.Query(sql, ("@key", key));
        return reader.Read()
            ? new AgentPullRequest(
                reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4),
                reader.GetStringOrNull(5), reader.GetStringOrNull(6), reader.GetStringOrNull(7))
            : null;
    }
}
