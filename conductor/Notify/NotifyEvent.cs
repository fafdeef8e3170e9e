using System.Text.Json.Serialization;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The JSON document of an event, as webhooks receive it and Jira comments are written from (camelCase, nulls kept, so
/// every field is always present). Text from tickets, agents and workers is untrusted.
/// </summary>
internal sealed record NotifyEvent(
    string Id,
    string Type,
    long Sequence,
    DateTimeOffset OccurredAt,
    string JobId,
    string Kind,
    string? FromState,
    string? ToState,
    string? Reason,
    NotifyTicket? Ticket,
    NotifyIncident? Incident,
    string? Repository,
    string? Branch,
    string? PullRequestUrl,
    string? HeadCommit,
    NotifyError? Error,
    NotifyUsage? Usage,
    NotifyCost? Cost,
    bool? Retried,
    NotifyLinks? Links)
{
    /// <summary>The document's version; a change that is not backwards compatible increments it.</summary>
    [JsonPropertyOrder(-1)]
    public int SchemaVersion => 1;
}

internal sealed record NotifyTicket(string Key, string? Summary, string? Url);

internal sealed record NotifyIncident(long Id, string? Account);

internal sealed record NotifyError(string? Code, string? Message);

/// <summary>Tokens used (input includes cached input; output includes reasoning output).</summary>
internal sealed record NotifyUsage(long InputTokens, long CachedInputTokens, long OutputTokens, long ReasoningOutputTokens);

/// <summary>What the run cost, once spend is measured per job; null until then.</summary>
internal sealed record NotifyCost(decimal Amount, string Currency);

/// <summary>Links back to the job: its dashboard page and its API resource (only with <c>Notify:PublicUrl</c>).</summary>
internal sealed record NotifyLinks(string Job, string Api);
