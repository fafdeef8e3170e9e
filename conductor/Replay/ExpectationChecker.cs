namespace AgentConductor.Conductor.Replay;

/// <summary>Compares a replay's report with a scenario's expectation and lists every difference, readably.</summary>
internal static class ExpectationChecker
{
    public static List<string> Check(ScenarioExpectation expect, ReplayReport report)
    {
        var differences = new List<string>();
        if (expect.Decisions is { } decisions)
        {
            CheckDecisions(decisions, report.Decisions, differences);
        }

        if (expect.Incidents is { } incidents)
        {
            CheckSet("incident", incidents, report.Incidents, Matches, Describe, Describe, differences);
        }

        if (expect.Jobs is { } jobs)
        {
            CheckSet("job", jobs, report.Jobs, Matches, Describe, j => $"{j.Kind} {j.TicketKey ?? j.Account} {j.State}{Field("pull request", j.PullRequest)}{Field("sequence", j.Sequence?.ToString())}{(j.Sequence is null ? "" : $", comments {j.Comments}")}", differences, exactCount: false);
        }

        if (expect.Rejected is { } rejected)
        {
            CheckSet("rejected message", rejected, report.Rejected, (e, r) => e.MessageId == r.MessageId && (e.Reason is null || e.Reason == r.Reason),
                e => e.Reason is null ? e.MessageId : $"{e.MessageId} ({e.Reason})", r => $"{r.MessageId} ({r.Reason})", differences);
        }

        if (expect.Deliveries is { } deliveries)
        {
            CheckSet("delivery", deliveries, report.Deliveries, Matches, Describe, Describe, differences);
        }

        if (expect.Counts is { } counts)
        {
            Count("decisions", counts.Decisions, report.Decisions.Count, differences);
            Count("incidents", counts.Incidents, report.Incidents.Count, differences);
            Count("rejected", counts.Rejected, report.Rejected.Count, differences);
            Count("duplicates", counts.Duplicates, report.Duplicates, differences);
        }

        return differences;
    }

    private static void CheckDecisions(IReadOnlyList<ExpectedDecision> expected, IReadOnlyList<ReportedDecision> actual, List<string> differences)
    {
        for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            if (i >= actual.Count)
            {
                differences.Add($"decision #{i + 1}: expected {Describe(expected[i])}, but there was none");
            }
            else if (i >= expected.Count)
            {
                differences.Add($"decision #{i + 1}: unexpected {Describe(actual[i])}");
            }
            else if (!Matches(expected[i], actual[i]))
            {
                differences.Add($"decision #{i + 1}: expected {Describe(expected[i])}, got {Describe(actual[i])}");
            }
        }
    }

    private static void CheckSet<TExpected, TActual>(
        string what,
        IReadOnlyList<TExpected> expected,
        IReadOnlyList<TActual> actual,
        Func<TExpected, TActual, bool> matches,
        Func<TExpected, string> describeExpected,
        Func<TActual, string> describeActual,
        List<string> differences,
        bool exactCount = true)
    {
        var unmatched = actual.ToList();
        foreach (var item in expected)
        {
            var index = unmatched.FindIndex(a => matches(item, a));
            if (index < 0)
            {
                differences.Add($"missing {what}: {describeExpected(item)}");
            }
            else
            {
                unmatched.RemoveAt(index);
            }
        }

        if (exactCount)
        {
            differences.AddRange(unmatched.Select(a => $"unexpected {what}: {describeActual(a)}"));
        }
    }

    private static void Count(string what, int? expected, int actual, List<string> differences)
    {
        if (expected is { } e && e != actual)
        {
            differences.Add($"expected {e} {what}, got {actual}");
        }
    }

    private static bool Matches(ExpectedDecision e, ReportedDecision a) =>
        (e.Kind is null || e.Kind == a.Kind) && (e.MessageId is null || e.MessageId == a.MessageId)
        && (e.TicketKey is null || e.TicketKey == a.TicketKey) && (e.Account is null || e.Account == a.Account)
        && (e.At is null || e.At == a.At) && (e.PullRequest is null || e.PullRequest == a.PullRequest);

    private static bool Matches(ExpectedDelivery e, ReportedDelivery a) =>
        (e.DeliveryId is null || e.DeliveryId == a.DeliveryId) && (e.MessageId is null || e.MessageId == a.MessageId)
        && (e.Event is null || e.Event == a.Event) && (e.Outcome is null || e.Outcome == a.Outcome)
        && (e.Reason is null || e.Reason == a.Reason) && (e.FollowUp is null || e.FollowUp == a.FollowUp);

    private static bool Matches(ExpectedIncident e, ReportedIncident a) =>
        (e.Account is null || e.Account == a.Account) && (e.Alarms is null || e.Alarms == a.Alarms)
        && (e.FirstAt is null || e.FirstAt == a.FirstAt) && (e.LastAt is null || e.LastAt == a.LastAt)
        && (e.ContextAlarms is null || e.ContextAlarms == a.ContextAlarms);

    private static bool Matches(ExpectedJob e, ReportedJob a) =>
        (e.Kind is null || e.Kind == a.Kind) && (e.TicketKey is null || e.TicketKey == a.TicketKey)
        && (e.Account is null || e.Account == a.Account) && (e.State is null || e.State == a.State)
        && (e.PullRequest is null || e.PullRequest == a.PullRequest) && (e.Sequence is null || e.Sequence == a.Sequence)
        && (e.Comments is null || e.Comments == a.Comments);

    private static string Describe(ExpectedDecision d) =>
        $"{d.Kind ?? "any"} decision{Field("message", d.MessageId)}{Field("ticket", d.TicketKey)}{Field("account", d.Account)}{Field("pull request", d.PullRequest)}{Field("at", Iso(d.At))}";

    private static string Describe(ReportedDecision d) =>
        $"{d.Kind} decision{Field("message", d.MessageId)}{Field("ticket", d.TicketKey)}{Field("account", d.Account)}{Field("pull request", d.PullRequest)}{Field("at", ReplayOutput.Iso(d.At))}";

    private static string Describe(ExpectedDelivery d) =>
        $"delivery {d.DeliveryId ?? "any"}{Field("message", d.MessageId)}{Field("event", d.Event)}{Field("outcome", d.Outcome)}{Field("reason", d.Reason)}{Field("follow-up", d.FollowUp?.ToString())}";

    private static string Describe(ReportedDelivery d) =>
        $"delivery {d.DeliveryId}{Field("message", d.MessageId)}{Field("event", d.Event)}{Field("outcome", d.Outcome)}{Field("reason", d.Reason)}{Field("follow-up", d.FollowUp?.ToString())}";

    private static string Describe(ExpectedIncident i) =>
        $"account {i.Account ?? "any"}{Field("alarms", i.Alarms?.ToString())}{Field("first", Iso(i.FirstAt))}{Field("last", Iso(i.LastAt))}{Field("context", i.ContextAlarms?.ToString())}";

    private static string Describe(ReportedIncident i) =>
        $"account {i.Account}, alarms {i.Alarms}, first {ReplayOutput.Iso(i.FirstAt)}, last {ReplayOutput.Iso(i.LastAt)}, context {i.ContextAlarms}";

    private static string Describe(ExpectedJob j) =>
        $"{j.Kind ?? "any"} job{Field("ticket", j.TicketKey)}{Field("account", j.Account)}{Field("state", j.State)}{Field("pull request", j.PullRequest)}{Field("sequence", j.Sequence?.ToString())}{Field("comments", j.Comments?.ToString())}";

    private static string Field(string name, string? value) => value is null ? "" : $", {name} {value}";

    private static string? Iso(DateTimeOffset? instant) => instant is { } value ? ReplayOutput.Iso(value) : null;
}
