using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Comments on the job's ticket (<see cref="JiraMessages"/>). An attempt after the first may follow one whose comment was
/// posted although its answer never arrived, so it first reads the newest comments and looks for the event id the
/// comment ends with; finding it, it posts nothing.
/// </summary>
internal sealed class JiraCommentNotifier(JiraClient jira) : INotifier
{
    public async Task<DeliveryOutcome> DeliverAsync(NotifyEvent notifyEvent, string body, int attempt, CancellationToken cancellationToken)
    {
        if (notifyEvent.Ticket is not { } ticket)
        {
            return DeliveryOutcome.Skipped("the job has no ticket");
        }

        try
        {
            if (attempt > 1)
            {
                var recent = await jira.RecentCommentsAsync(ticket.Key, cancellationToken);
                if (!recent.IsSuccess)
                {
                    return JiraClient.Failure(recent, $"reading the comments of {ticket.Key}");
                }

                if (FindMarked(recent.Body, notifyEvent.Id) is { } earlier)
                {
                    return DeliveryOutcome.Delivered(recent.Status, $"comment {earlier} (posted by an earlier attempt)");
                }
            }

            var answer = await jira.AddCommentAsync(ticket.Key, JiraMessages.Comment(notifyEvent).ToJson(), cancellationToken);
            return answer.IsSuccess
                ? DeliveryOutcome.Delivered(answer.Status, $"comment {CommentId(answer.Body) ?? "(no id in the answer)"}")
                : JiraClient.Failure(answer, $"commenting on {ticket.Key}");
        }
        catch (NotifyRequestException ex)
        {
            return DeliveryOutcome.Retry(null, ex.Message);
        }
    }

    /// <summary>The id of the comment (among the newest) whose text contains <paramref name="marker"/>.</summary>
    private static string? FindMarked(string body, string marker)
    {
        try
        {
            var comments = JsonNode.Parse(body)?["comments"] as JsonArray ?? [];
            return comments
                .Where(c => AdfDocument.Texts(c?["body"]).Any(t => t.Contains(marker, StringComparison.Ordinal)))
                .Select(c => c?["id"]?.ToString())
                .FirstOrDefault(id => id is not null);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? CommentId(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["id"]?.ToString();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
