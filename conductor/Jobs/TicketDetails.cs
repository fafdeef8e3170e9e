namespace AgentConductor.Conductor.Jobs;

/// <summary>The stored fields of a ticket, as the latest sighting left them. Every text field is untrusted.</summary>
internal sealed record TicketDetails(
    string Key,
    string ProjectKey,
    string? Summary,
    string? Description,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Components,
    string? Status,
    string? IssueType,
    string? Priority,
    string? Url);
