using System.Text.Json;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The destinations the settings configure, by the names deliveries carry: <c>webhook:&lt;name&gt;</c> for each webhook,
/// <c>jira</c> for ticket comments and <c>jira-transition</c> for the transition when the pull request opens.
/// </summary>
internal static class NotifyDestinations
{
    public const string Jira = "jira";
    public const string JiraTransition = "jira-transition";
    public const string WebhookPrefix = "webhook:";

    public static string Webhook(WebhookOptions webhook) => WebhookPrefix + webhook.EffectiveName;

    public static IReadOnlyList<NotifyDestination> From(NotifyOptions notify, JiraOptions jira)
    {
        var destinations = notify.Webhooks
            .Select(w => new NotifyDestination(Webhook(w), w.Events.Count == 0 ? null : w.Events.Distinct(StringComparer.Ordinal).ToList(), TicketJobsOnly: false))
            .ToList();
        if (jira.Enabled)
        {
            destinations.Add(new NotifyDestination(Jira, [.. jira.CommentEvents.Distinct(StringComparer.Ordinal)], TicketJobsOnly: true));
            if (!string.IsNullOrWhiteSpace(jira.TransitionOnPullRequest))
            {
                destinations.Add(new NotifyDestination(JiraTransition, [NotifyEventTypes.ForState(JobState.Succeeded)], TicketJobsOnly: true));
            }
        }

        return destinations;
    }

    /// <summary>
    /// Makes <c>notify_destinations</c> what the settings say, and dead-letters the pending deliveries of destinations no
    /// longer configured (nothing could deliver them). Returns how many were dead-lettered.
    /// </summary>
    public static int Sync(ConductorDatabase database, IReadOnlyList<NotifyDestination> destinations, DateTimeOffset now)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: false);
        using var db = new Statements(connection) { Transaction = transaction };
        db.Execute("DELETE FROM notify_destinations");
        foreach (var destination in destinations)
        {
            db.Execute(
                "INSERT INTO notify_destinations (name, events, ticket_jobs_only) VALUES (@name, @events, @ticket)",
                ("@name", destination.Name), ("@events", destination.Events is null ? null : JsonSerializer.Serialize(destination.Events)),
                ("@ticket", destination.TicketJobsOnly ? 1 : 0));
        }

        var orphaned = db.Execute(
            """
            UPDATE notify_deliveries SET state = 'dead', claimed_at = NULL, finished_at = @now,
                last_error = 'the destination is no longer configured'
            WHERE state = 'pending' AND destination NOT IN (SELECT name FROM notify_destinations)
            """,
            ("@now", UnixTime.ToMs(now)));
        transaction.Commit();
        return orphaned;
    }
}
