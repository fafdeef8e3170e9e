using System.Text.Json;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// One agent per ticket, ever. The first sighting that passes the filters creates the job; later sightings
/// only refresh the stored ticket (older sightings never overwrite newer fields). A deletion cancels the
/// job while it is still pending.
/// </summary>
internal sealed class TicketRules(SchedulerOptions options, Statements db, JobWriter jobs)
{
    public string Apply(TicketMessage ticket, long eventId, InboundMessage message, List<Decision> decisions, List<string> cancelled)
    {
        var receivedMs = UnixTime.ToMs(message.ReceivedAt);
        var eventMs = ticket.EventTime is { } t ? UnixTime.ToMs(t) : (long?)null;
        var stored = Load(ticket.Key);

        if (ticket.Action == TicketAction.Deleted)
        {
            return Delete(ticket, stored, eventId, eventMs ?? receivedMs, message, cancelled);
        }

        if (stored is { DeletedAt: not null })
        {
            Touch(ticket.Key, eventId, receivedMs, refreshFields: null);
            return "ticket was deleted: ignored";
        }

        var isNewer = stored is null || stored.EventAt is null || eventMs is null || eventMs >= stored.EventAt;
        var blocker = isNewer ? FilterBlocker(ticket.ProjectKey, ticket.Labels) : FilterBlocker(stored!.ProjectKey, stored.Labels);

        string? jobId = null;
        if ((stored is null || stored.JobId is null) && blocker is null)
        {
            jobId = jobs.CreatePending(JobSeed.ForTicket(ticket.Key, ticket.ProjectKey), eventId, message.ReceivedAt);
            decisions.Add(new Decision(DecisionKind.Ticket, message.ReceivedAt, message.MessageId, jobId, ticket.Key, null, null));
        }

        if (stored is null)
        {
            Insert(ticket, eventId, receivedMs, eventMs, deletedAt: null);
        }
        else
        {
            Touch(ticket.Key, eventId, receivedMs, isNewer ? (ticket, eventMs) : null);
        }

        return (stored, jobId, blocker) switch
        {
            (_, not null, _) => $"ticket {ticket.Key}: job {jobId} created",
            (null, null, _) => $"ticket {ticket.Key}: stored, not scheduled ({blocker})",
            ({ JobId: not null }, _, _) => $"ticket {ticket.Key}: updated (job {stored.JobId} exists)",
            _ => $"ticket {ticket.Key}: updated, not scheduled ({blocker})",
        };
    }

    private string Delete(TicketMessage ticket, StoredTicket? stored, long eventId, long deletedAt, InboundMessage message, List<string> cancelled)
    {
        if (stored is null)
        {
            // Remember the deletion so that a late "created" for the same key cannot start an agent.
            Insert(ticket, eventId, UnixTime.ToMs(message.ReceivedAt), null, deletedAt: deletedAt);
            return $"ticket {ticket.Key}: deleted before it was seen";
        }

        db.Execute(
            "UPDATE tickets SET deleted_at = coalesce(deleted_at, @at), last_event_id = @event, last_seen_at = @seen, sightings = sightings + 1 WHERE key = @key",
            ("@at", deletedAt), ("@event", eventId), ("@seen", UnixTime.ToMs(message.ReceivedAt)), ("@key", ticket.Key));
        if (stored.JobId is null)
        {
            return $"ticket {ticket.Key}: deleted (no job)";
        }

        if (jobs.TryMove(stored.JobId, JobState.Pending, JobState.Cancelled, $"ticket {ticket.Key} was deleted in Jira", message.ReceivedAt, eventId))
        {
            cancelled.Add(stored.JobId);
            return $"ticket {ticket.Key}: deleted, job {stored.JobId} cancelled";
        }

        return $"ticket {ticket.Key}: deleted, job {stored.JobId} already launched";
    }

    private string? FilterBlocker(string projectKey, IReadOnlyList<string> labels)
    {
        if (options.AllowedProjects.Count > 0 && !options.AllowedProjects.Contains(projectKey, StringComparer.OrdinalIgnoreCase))
        {
            return $"project {projectKey} is not allowed";
        }

        if (options.RequiredLabel is { } label && !labels.Contains(label, StringComparer.OrdinalIgnoreCase))
        {
            return $"label '{label}' missing";
        }

        return null;
    }

    private StoredTicket? Load(string key)
    {
        using var reader = db.Query("SELECT t.project_key, t.labels, t.event_at, t.deleted_at, j.id FROM tickets t LEFT JOIN jobs j ON j.ticket_key = t.key WHERE t.key = @key", ("@key", key));
        if (!reader.Read())
        {
            return null;
        }

        return new StoredTicket(
            reader.GetString(0),
            JsonSerializer.Deserialize<string[]>(reader.GetString(1)) ?? [],
            reader.GetInt64OrNull(2),
            reader.GetInt64OrNull(3),
            reader.GetStringOrNull(4));
    }

    private void Insert(TicketMessage ticket, long eventId, long receivedMs, long? eventMs, long? deletedAt) =>
        db.Execute(
            """
            INSERT INTO tickets (key, project_key, summary, description, labels, components, status, issue_type, priority, url,
                                 event_at, first_event_id, last_event_id, first_seen_at, last_seen_at, deleted_at)
            VALUES (@key, @project, CAST(@summary AS TEXT), CAST(@description AS TEXT), @labels, @components, CAST(@status AS TEXT),
                    CAST(@type AS TEXT), CAST(@priority AS TEXT), CAST(@url AS TEXT), @eventAt, @event, @event, @seen, @seen, @deleted)
            """,
            ("@key", ticket.Key), ("@project", ticket.ProjectKey), ("@summary", ticket.Summary), ("@description", ticket.Description),
            ("@labels", JsonSerializer.Serialize(ticket.Labels)), ("@components", JsonSerializer.Serialize(ticket.Components)),
            ("@status", ticket.Status), ("@type", ticket.IssueType), ("@priority", ticket.Priority), ("@url", ticket.Url),
            ("@eventAt", eventMs), ("@event", eventId), ("@seen", receivedMs), ("@deleted", deletedAt));

    private void Touch(string key, long eventId, long receivedMs, (TicketMessage Ticket, long? EventMs)? refreshFields)
    {
        if (refreshFields is not { } fresh)
        {
            db.Execute(
                "UPDATE tickets SET last_event_id = @event, last_seen_at = @seen, sightings = sightings + 1 WHERE key = @key",
                ("@event", eventId), ("@seen", receivedMs), ("@key", key));
            return;
        }

        var t = fresh.Ticket;
        db.Execute(
            """
            UPDATE tickets SET project_key = @project, summary = CAST(@summary AS TEXT), description = CAST(@description AS TEXT),
                labels = @labels, components = @components, status = CAST(@status AS TEXT), issue_type = CAST(@type AS TEXT),
                priority = CAST(@priority AS TEXT), url = coalesce(CAST(@url AS TEXT), url),
                event_at = coalesce(@eventAt, event_at), last_event_id = @event, last_seen_at = @seen, sightings = sightings + 1
            WHERE key = @key
            """,
            ("@project", t.ProjectKey), ("@summary", t.Summary), ("@description", t.Description),
            ("@labels", JsonSerializer.Serialize(t.Labels)), ("@components", JsonSerializer.Serialize(t.Components)),
            ("@status", t.Status), ("@type", t.IssueType), ("@priority", t.Priority), ("@url", t.Url),
            ("@eventAt", fresh.EventMs), ("@event", eventId), ("@seen", receivedMs), ("@key", key));
    }

    private sealed record StoredTicket(string ProjectKey, IReadOnlyList<string> Labels, long? EventAt, long? DeletedAt, string? JobId);
}
