namespace AgentConductor.Conductor.Replay;

/// <summary>Where a replay under today's rules decides differently from what a database recorded.</summary>
internal static class DecisionComparison
{
    public static List<string> Compare(IReadOnlyList<ReportedDecision> recorded, IReadOnlyList<ReportedDecision> replayed)
    {
        static string Key(ReportedDecision d) => d.PullRequest is { } pullRequest
            ? $"{d.Kind} {pullRequest} (message {d.MessageId})"
            : $"{d.Kind} {d.TicketKey ?? "account " + d.Account} (message {d.MessageId})";
        var before = recorded.Select(Key).ToList();
        var after = replayed.Select(Key).ToList();
        var differences = new List<string>();
        foreach (var gone in before.Except(after))
        {
            differences.Add($"- {gone}: recorded, no longer decided");
        }

        foreach (var added in after.Except(before))
        {
            differences.Add($"+ {added}: decided now, not recorded");
        }

        return differences;
    }
}
