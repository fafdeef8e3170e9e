using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Costs;

/// <summary>What has been spent on one UTC day, in nano-dollars: in all, by Jira project (ticket jobs) and by AWS account (incident jobs).</summary>
internal sealed record DailySpend(DateOnly Day, long Total, IReadOnlyDictionary<string, long> ByProject, IReadOnlyDictionary<string, long> ByAccount)
{
    public static DailySpend Read(Statements db, DateTimeOffset now)
    {
        var day = UtcDays.Of(now);
        var rows = SpendRows.Load(db, day, day, now);
        return new DailySpend(
            day,
            rows.Sum(r => r.Cost),
            Sum(rows.Where(r => r.ProjectKey is not null), r => r.ProjectKey!),
            Sum(rows.Where(r => r.Account is not null), r => r.Account!));
    }

    private static Dictionary<string, long> Sum(IEnumerable<SpendRow> rows, Func<SpendRow, string> key) =>
        rows.GroupBy(key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.Cost), StringComparer.Ordinal);
}
