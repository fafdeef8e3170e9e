namespace AgentConductor.Conductor.Notify;

/// <summary>A configured destination: the event types it takes (null: all) and whether only ticket jobs concern it.</summary>
internal sealed record NotifyDestination(string Name, IReadOnlyList<string>? Events, bool TicketJobsOnly);
