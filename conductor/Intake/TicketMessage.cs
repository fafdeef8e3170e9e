namespace AgentConductor.Conductor.Intake;

/// <summary>A Jira issue, from the REST API shape or a webhook.</summary>
/// <param name="Action">Upsert for created/updated/REST bodies; Deleted for <c>jira:issue_deleted</c>.</param>
/// <param name="Key">The issue key, e.g. <c>PAY-412</c>; the ticket's identity.</param>
/// <param name="ProjectKey">The project key, e.g. <c>PAY</c> (from <c>fields.project.key</c>, else the key's prefix).</param>
/// <param name="Description">Plain text: v2 descriptions verbatim, v3 ADF flattened to readable text.</param>
/// <param name="Url">A browse URL built from <c>self</c> when present.</param>
/// <param name="EventTime">Webhook timestamp, else <c>fields.updated</c>, else <c>fields.created</c>.</param>
internal sealed record TicketMessage(
    MessageFormat Format,
    TicketAction Action,
    string Key,
    string ProjectKey,
    string? Summary,
    string? Description,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Components,
    string? Status,
    string? IssueType,
    string? Priority,
    string? Url,
    DateTimeOffset? EventTime) : ParsedMessage;

internal enum TicketAction
{
    Upsert,
    Deleted,
}
