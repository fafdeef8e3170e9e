using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Builds an event's document from the database. The result a worker reported (pull request, error, usage) belongs to the
/// event that ended the job and to no earlier one, so a late first attempt of an early event still says what it said then.
/// </summary>
internal static class NotifyEventReader
{
    private const string Sql =
        """
        SELECT e.id, e.seq, e.type, e.at, e.from_state, e.to_state, e.reason, e.job_event_id,
               j.kind, j.ticket_key, j.incident_id, j.account, j.repository, j.branch,
               j.input_tokens, j.cached_input_tokens, j.output_tokens, j.reasoning_output_tokens,
               r.job_id IS NOT NULL, r.pull_request_url, r.branch, r.head_commit, r.error_code, r.error_message,
               r.input_tokens, r.cached_input_tokens, r.output_tokens, r.reasoning_output_tokens,
               t.summary, t.url,
               (SELECT x.from_state FROM job_events x WHERE x.job_id = e.job_id AND x.id > e.job_event_id ORDER BY x.id LIMIT 1),
               e.job_id
        FROM notify_events e JOIN jobs j ON j.id = e.job_id
        LEFT JOIN job_results r ON r.job_id = j.id
        LEFT JOIN tickets t ON t.key = j.ticket_key
        WHERE e.id = @id
        """;

    /// <summary>Null when the event does not exist.</summary>
    public static NotifyEvent? Read(Statements db, string eventId, string? publicUrl)
    {
        using var r = db.Query(Sql, ("@id", eventId));
        if (!r.Read())
        {
            return null;
        }

        var jobId = r.GetString(31);
        var type = r.GetString(2);
        var toState = r.GetStringOrNull(5);
        var ending = toState is not null && JobStates.IsTerminal(JobStates.Parse(toState));
        var result = ending && r.GetBoolean(18);
        var ticketKey = r.GetStringOrNull(9);
        var incidentId = r.GetInt64OrNull(10);
        NotifyUsage? usage = null;
        if (result)
        {
            usage = new NotifyUsage(r.GetInt64(24), r.GetInt64(25), r.GetInt64(26), r.GetInt64(27));
        }
        else if (ending || type == NotifyEventTypes.BudgetStopped)
        {
            usage = new NotifyUsage(r.GetInt64(14), r.GetInt64(15), r.GetInt64(16), r.GetInt64(17));
        }

        return new NotifyEvent(
            Id: r.GetString(0),
            Type: type,
            Sequence: r.GetInt64(1),
            OccurredAt: UnixTime.FromMs(r.GetInt64(3)),
            JobId: jobId,
            Kind: r.GetString(8),
            FromState: r.GetStringOrNull(4),
            ToState: toState,
            Reason: r.GetStringOrNull(6),
            Ticket: ticketKey is null ? null : new NotifyTicket(ticketKey, r.GetStringOrNull(28), r.GetStringOrNull(29)),
            Incident: incidentId is { } incident ? new NotifyIncident(incident, r.GetStringOrNull(11)) : null,
            Repository: r.GetStringOrNull(12),
            Branch: (result ? r.GetStringOrNull(20) : null) ?? r.GetStringOrNull(13),
            PullRequestUrl: result ? r.GetStringOrNull(19) : null,
            HeadCommit: result ? r.GetStringOrNull(21) : null,
            Error: result && (r.GetStringOrNull(22) is not null || r.GetStringOrNull(23) is not null) ? new NotifyError(r.GetStringOrNull(22), r.GetStringOrNull(23)) : null,
            Usage: usage,
            Cost: usage is not null && SubjectCosts.JobNanos(db, jobId, UnixTime.FromMs(r.GetInt64(3))) is { } nanos ? new NotifyCost(Usd.FromNanos(nanos), Usd.Currency) : null,
            Retried: toState == "lost" ? r.GetStringOrNull(30) == "lost" : null,
            Links: Links(publicUrl, jobId));
    }

    public static NotifyLinks? Links(string? publicUrl, string jobId)
    {
        if (string.IsNullOrWhiteSpace(publicUrl))
        {
            return null;
        }

        var root = publicUrl.TrimEnd('/');
        var id = Uri.EscapeDataString(jobId);
        return new NotifyLinks($"{root}/#/jobs/{id}", $"{root}/v1/jobs/{id}");
    }
}
