using AgentConductor.Conductor.Intake;

namespace AgentConductor.Conductor.Feed;

/// <summary>
/// Reads a body with the conductor's own parser and applies the feed's project and label filters, so the feed passes on
/// exactly what the conductor can take. Events the conductor does not handle (comments, worklogs) are skipped, not refused,
/// so Jira does not retry them.
/// </summary>
internal sealed class JiraFeedFilter(JiraFeedSettings settings)
{
    private readonly MessageParser _parser = new(new IntakeOptions());

    public JiraFeedDecision Evaluate(string body)
    {
        switch (_parser.Parse(body))
        {
            case TicketMessage ticket:
                if (settings.Projects.Count > 0 && !settings.Projects.Contains(ticket.ProjectKey, StringComparer.OrdinalIgnoreCase))
                {
                    return new(JiraFeedVerdict.Skip, $"{ticket.Key}: project {ticket.ProjectKey} is not one of {string.Join(", ", settings.Projects)}", ticket);
                }

                // A deletion passes without its label: the conductor uses it to cancel a job that has not started.
                if (settings.Labels.Count > 0 && ticket.Action != TicketAction.Deleted && !ticket.Labels.Any(l => settings.Labels.Contains(l, StringComparer.OrdinalIgnoreCase)))
                {
                    return new(JiraFeedVerdict.Skip, $"{ticket.Key}: has none of the labels {string.Join(", ", settings.Labels)}", ticket);
                }

                return new(JiraFeedVerdict.Send, $"{ticket.Key}", ticket);
            case RejectedMessage { Reason: RejectReasons.UnsupportedEvent, Format: MessageFormat.JiraWebhook } unsupported:
                return new(JiraFeedVerdict.Skip, unsupported.Detail);
            case RejectedMessage rejected:
                return new(JiraFeedVerdict.Invalid, $"{rejected.Reason}: {rejected.Detail}");
            default:
                return new(JiraFeedVerdict.Invalid, "not a Jira issue or webhook (the feed only sends Jira issues)");
        }
    }
}
