using AgentConductor.Conductor.Routing;
using AgentConductor.Conductor.TaskFiles;

namespace AgentConductor.Conductor.Jobs;

/// <summary>A job with what it is about: the ticket, or the incident's alarms. Ticket and alarm text is untrusted.</summary>
internal sealed record JobDetails(
    string JobId,
    string Kind,
    JobState State,
    string? TicketKey,
    long? IncidentId,
    string? Account,
    string? ProjectKey,
    TicketDetails? Ticket,
    IReadOnlyList<AlarmDetails> Alarms)
{
    public bool IsTicket => Kind == JobKinds.Ticket;

    /// <summary>Set for a follow-up: the pull request and the comments it answers.</summary>
    public FollowUpDetails? FollowUp { get; init; }

    /// <summary>
    /// The ticket's summary, "Incident N in account A: first alarm", or "Follow-up N on pull request #7: parent's title";
    /// one line, for titles and branch names.
    /// </summary>
    public string Title => Kind switch
    {
        JobKinds.Ticket => UntrustedText.Inline(Ticket?.Summary) is { Length: > 0 } summary ? summary : TicketKey ?? JobId,
        JobKinds.FollowUp when FollowUp is { } f => $"Follow-up {f.Sequence} on pull request #{f.PullRequestNumber}: {f.ParentTitle}",
        _ => $"Incident {IncidentId} in account {Account}: {UntrustedText.Inline(Alarms.FirstOrDefault(a => a.State == "ALARM")?.Name ?? "alarm")}",
    };

    public RouteSubject RouteSubject => IsTicket
        ? new RouteSubject(ProjectKey ?? Ticket?.ProjectKey, Ticket?.Components ?? [], Ticket?.Labels ?? [], null)
        : new RouteSubject(null, [], [], Account);
}
