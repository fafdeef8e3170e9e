using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>GET /v1/jobs/{id}</c>: the job (the same shape as in the list), what it is about (the ticket, or the incident's
/// alarms), the result its worker reported, its audit trail, what all the jobs of its ticket or incident cost and, for a
/// job with a pull request or a follow-up, its lineage. Ticket, alarm and result text is untrusted.
/// </summary>
internal sealed record JobDetailView(
    JobView Job, TicketView? Ticket, IReadOnlyList<AlarmView>? Alarms, ResultView? Result, IReadOnlyList<JobEventView> Events,
    Costs.SubjectCostView? SubjectCost, LineageView? Lineage = null);

internal sealed record TicketView(
    string Key, string ProjectKey, string? Summary, string? Description, IReadOnlyList<string> Labels, IReadOnlyList<string> Components,
    string? Status, string? IssueType, string? Priority, string? Url)
{
    public static TicketView From(TicketDetails t) => new(t.Key, t.ProjectKey, t.Summary, t.Description, t.Labels, t.Components, t.Status, t.IssueType, t.Priority, t.Url);
}

/// <summary>An alarm of an incident: a member (<c>ALARM</c>) or context (<c>OK</c>, <c>INSUFFICIENT_DATA</c>).</summary>
internal sealed record AlarmView(string Name, string State, string? Reason, string? Description, string? Region, string? Arn, DateTimeOffset At)
{
    public static AlarmView From(AlarmDetails a) => new(a.Name, a.State, a.Reason, a.Description, a.Region, a.Arn, a.At);
}

/// <summary>The result a worker reported. <c>status</c> is the job state it moved the job to.</summary>
internal sealed record ResultView(
    string Status, string? PullRequestUrl, string? Branch, string? Commit, string? Summary, bool SummaryTruncated, TokenUsageView Usage,
    string? ErrorCode, string? ErrorMessage, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset ReportedAt);

/// <summary>A live incident with its counts and job; <see cref="IncidentDetailView"/> adds its alarms.</summary>
internal sealed record IncidentDetailView(IncidentView Incident, IReadOnlyList<AlarmView> Alarms);

/// <summary>One stored log line or progress event (<c>stream</c> = <c>progress</c>: the event as JSON).</summary>
internal sealed record LogLineView(long Seq, DateTimeOffset At, DateTimeOffset? WorkerAt, string Stream, string Text, bool Truncated);

/// <summary>A page of a job's log: lines after <c>after</c>; <c>next</c> is the <c>after</c> of the next page.</summary>
internal sealed record LogPageView(string JobId, string State, bool Ended, IReadOnlyList<LogLineView> Lines, long Next);

/// <summary>A pending job in the dispatcher's queue order.</summary>
internal sealed record QueueEntryView(int Position, string Reason, string Detail, JobView Job);
