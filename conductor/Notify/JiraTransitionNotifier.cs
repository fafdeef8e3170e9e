using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Moves the ticket with the transition named <c>Jira:TransitionOnPullRequest</c> when a pull request opens. Names match
/// case-insensitively. When no such transition is available the ticket may already be in that status (moved by hand, or
/// by an earlier attempt whose answer was lost): then it is delivered; otherwise it is dead-lettered at once, naming the
/// transitions Jira offers, since retrying cannot make the transition appear.
/// </summary>
internal sealed class JiraTransitionNotifier(JiraClient jira, string transitionName) : INotifier
{
    public async Task<DeliveryOutcome> DeliverAsync(NotifyEvent notifyEvent, string body, int attempt, CancellationToken cancellationToken)
    {
        if (notifyEvent.Ticket is not { } ticket)
        {
            return DeliveryOutcome.Skipped("the job has no ticket");
        }

        if (notifyEvent.PullRequestUrl is null)
        {
            return DeliveryOutcome.Skipped("no pull request was opened");
        }

        try
        {
            var listed = await jira.TransitionsAsync(ticket.Key, cancellationToken);
            if (!listed.IsSuccess)
            {
                return JiraClient.Failure(listed, $"listing the transitions of {ticket.Key}");
            }

            var transitions = Parse(listed.Body);
            if (transitions.FirstOrDefault(t => string.Equals(t.Name.Trim(), transitionName.Trim(), StringComparison.OrdinalIgnoreCase)) is { } match)
            {
                var moved = await jira.TransitionAsync(ticket.Key, match.Id, cancellationToken);
                return moved.IsSuccess
                    ? DeliveryOutcome.Delivered(moved.Status, $"transition '{match.Name}' (id {match.Id}) to status '{match.To}'")
                    : JiraClient.Failure(moved, $"transitioning {ticket.Key} with '{match.Name}'");
            }

            var status = await jira.StatusAsync(ticket.Key, cancellationToken);
            if (!status.IsSuccess)
            {
                return JiraClient.Failure(status, $"reading the status of {ticket.Key}");
            }

            var current = StatusName(status.Body) ?? "unknown";
            if (string.Equals(current.Trim(), transitionName.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return DeliveryOutcome.Delivered(status.Status, $"already in status '{current}'");
            }

            var offered = transitions.Count == 0 ? "none" : string.Join(", ", transitions.Select(t => $"'{t.Name}'"));
            return DeliveryOutcome.Dead(
                listed.Status, $"{ticket.Key} (status '{current}') has no transition named '{transitionName}' (Jira:TransitionOnPullRequest); available: {offered}");
        }
        catch (NotifyRequestException ex)
        {
            return DeliveryOutcome.Retry(null, ex.Message);
        }
    }

    private static List<JiraTransition> Parse(string body)
    {
        try
        {
            return (JsonNode.Parse(body)?["transitions"] as JsonArray ?? [])
                .Select(t => new JiraTransition(t?["id"]?.ToString() ?? "", t?["name"]?.ToString() ?? "", t?["to"]?["name"]?.ToString() ?? ""))
                .Where(t => t.Id.Length > 0)
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? StatusName(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["fields"]?["status"]?["name"]?.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record JiraTransition(string Id, string Name, string To);
}
