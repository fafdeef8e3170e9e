using AgentConductor.Conductor.Intake;

namespace AgentConductor.Conductor.Feed;

/// <summary>What the feed does with one body: send the ticket, skip it (filtered out, an event the conductor ignores), or refuse it.</summary>
internal sealed record JiraFeedDecision(JiraFeedVerdict Verdict, string Reason, TicketMessage? Ticket = null);

internal enum JiraFeedVerdict
{
    Send,
    Skip,
    Invalid,
}
