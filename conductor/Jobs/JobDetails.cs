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
    public bool IsTicket => Kind == "ticket";

    /// <summary>The ticket's summary, or "Incident N in account A: first alarm"; one line, for titles and branch names.</summary>
    public string Title => IsTicket
        ? UntrustedText.Inline(Ticket?.Summary) is { Length: > 0 } summary ? summary : TicketKey ?? JobId
        : $"Incident {IncidentId} in account {Account}: {UntrustedText.Inline(Alarms.FirstOrDefault(a => a.State == "ALARM")?.Name ?? "alarm")}";

    public RouteSubject RouteSubject => IsTicket
        ? new RouteSubject(ProjectKey ?? Ticket?.ProjectKey, Ticket?.Components ?? [], Ticket?.Labels ?? [], null)
        : new RouteSubject(null, [], [], Account);
}
