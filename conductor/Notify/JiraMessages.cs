using System.Globalization;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The comment an event leaves on its ticket. The last paragraph names the job and the event id: that id is the marker a
/// retry looks for before posting again (<see cref="JiraCommentNotifier"/>).
/// </summary>
internal static class JiraMessages
{
    public static AdfDocument Comment(NotifyEvent e)
    {
        var document = new AdfDocument();
        var reason = e.Reason ?? "no reason given";
        switch (e.Type)
        {
            case "job.running":
                document.Paragraph(AdfInline.Plain("Agent Conductor started work on this ticket."));
                break;
            case "job.succeeded" when e.PullRequestUrl is { } url:
                document.Paragraph(AdfInline.Bold("Pull request opened: "), AdfInline.Link(url, url));
                break;
            case "job.succeeded":
                document.Paragraph(AdfInline.Plain("The agent finished, but no pull request was reported."));
                break;
            case "job.no_changes":
                document.Paragraph(AdfInline.Plain("The agent finished without changes, so no pull request was opened."));
                break;
            case "job.failed":
                document.Paragraph(AdfInline.Bold("The job failed: "), AdfInline.Plain(reason));
                break;
            case "job.timed_out":
                document.Paragraph(AdfInline.Bold("The job timed out: "), AdfInline.Plain(reason));
                break;
            case "job.cancelled":
                document.Paragraph(AdfInline.Bold("The job was cancelled: "), AdfInline.Plain(reason));
                break;
            case "job.lost":
                document.Paragraph(
                    AdfInline.Bold("The worker running this job was lost: "), AdfInline.Plain(reason),
                    AdfInline.Plain(e.Retried == true ? ". The job is tried again." : ". The job is not tried again."));
                break;
            case "job.budget_exceeded" when e.PullRequestUrl is { } partial:
                document.Paragraph(AdfInline.Bold("The job ended at its budget; its partial work is in a pull request: "), AdfInline.Link(partial, partial));
                break;
            case "job.budget_exceeded":
                document.Paragraph(AdfInline.Bold("The job ended at its budget: "), AdfInline.Plain(reason));
                break;
            case NotifyEventTypes.BudgetStopped:
                document.Paragraph(AdfInline.Bold("The job was stopped at its budget: "), AdfInline.Plain(reason));
                break;
            default:
                document.Paragraph(AdfInline.Plain($"The job is now {e.ToState ?? e.Type}: "), AdfInline.Plain(reason));
                break;
        }

        if (e.Error?.Message is { Length: > 0 } message)
        {
            document.Paragraph(AdfInline.Plain("Error: "), AdfInline.Plain(message));
        }

        if (e.PullRequestUrl is null && e.Branch is { } branch && e.Type is "job.failed" or "job.timed_out" or "job.cancelled" or "job.budget_exceeded" or NotifyEventTypes.BudgetStopped)
        {
            document.Paragraph(AdfInline.Plain("Work so far is on branch "), AdfInline.Plain(branch), AdfInline.Plain("."));
        }

        if (Spend(e) is { } spend)
        {
            document.Paragraph(AdfInline.Plain(spend));
        }

        var job = e.Links is { } links ? AdfInline.Link(e.JobId, links.Job) : AdfInline.Plain(e.JobId);
        return document.Paragraph(AdfInline.Plain("Agent Conductor · job "), job, AdfInline.Plain(" · event " + e.Id));
    }

    private static string? Spend(NotifyEvent e)
    {
        if (e.Usage is not { } usage || (usage.InputTokens == 0 && usage.OutputTokens == 0 && e.Cost is null))
        {
            return null;
        }

        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Tokens: {usage.InputTokens:N0} input ({usage.CachedInputTokens:N0} cached), {usage.OutputTokens:N0} output.");
        return e.Cost is { } cost ? string.Create(CultureInfo.InvariantCulture, $"{text} Cost: {cost.Amount:0.00##} {cost.Currency}.") : text;
    }
}
