using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Costs;

/// <summary>The cost report behind <c>GET /v1/costs</c>, read from the stored spend on its own connection.</summary>
internal sealed class CostQueries(ConductorDatabase database, BudgetSettings budgets, TimeProvider time)
{
    /// <summary>The longest range one report covers.</summary>
    public const int MaxDays = 366;

    public CostReport Report(DateOnly from, DateOnly to)
    {
        var now = time.GetUtcNow();
        var today = UtcDays.Of(now);
        List<SpendRow> rows, todays;
        using (var connection = database.OpenConnection())
        using (var db = new Statements(connection))
        {
            rows = SpendRows.Load(db, from, to, now);
            todays = from <= today && today <= to ? [.. rows.Where(r => r.Day == today)] : SpendRows.Load(db, today, today, now);
        }

        return new CostReport(
            Usd.Currency,
            UtcDays.Name(from),
            UtcDays.Name(to),
            CostTotals.Of(rows),
            [.. rows.GroupBy(r => r.Day).OrderBy(g => g.Key).Select(g => Day(g.Key, [.. g]))],
            [.. rows.Where(r => r.ProjectKey is not null).GroupBy(r => r.ProjectKey!, StringComparer.Ordinal).OrderByDescending(g => g.Sum(r => r.Cost)).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ProjectCost(g.Key, Usd.FromNanos(g.Sum(r => r.Cost)), Jobs(g), Unpriced(g)))],
            [.. rows.Where(r => r.Account is not null).GroupBy(r => r.Account!, StringComparer.Ordinal).OrderByDescending(g => g.Sum(r => r.Cost)).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new AccountCost(g.Key, Usd.FromNanos(g.Sum(r => r.Cost)), Jobs(g), Unpriced(g)))],
            Today(today, todays));
    }

    private TodayBudget Today(DateOnly today, List<SpendRow> rows)
    {
        var caps = budgets.Current;
        var uses = new List<CapUse>();
        var total = rows.Sum(r => r.Cost);
        if (caps.DailyCost is { } all)
        {
            uses.Add(Use("Budget:DailyCost", null, all, total));
        }

        if (caps.DailyCostPerProject is { } perProject)
        {
            uses.AddRange(PerKey("Budget:DailyCostPerProject", perProject, rows.Where(r => r.ProjectKey is not null).GroupBy(r => r.ProjectKey!, StringComparer.Ordinal)));
        }

        if (caps.DailyCostPerAccount is { } perAccount)
        {
            uses.AddRange(PerKey("Budget:DailyCostPerAccount", perAccount, rows.Where(r => r.Account is not null).GroupBy(r => r.Account!, StringComparer.Ordinal)));
        }

        return new TodayBudget(UtcDays.Name(today), Usd.FromNanos(total), uses);
    }

    private static IEnumerable<CapUse> PerKey(string setting, decimal cap, IEnumerable<IGrouping<string, SpendRow>> groups)
    {
        var uses = groups.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Use(setting, g.Key, cap, g.Sum(r => r.Cost))).ToList();
        return uses.Count > 0 ? uses : [Use(setting, null, cap, 0)];
    }

    private static CapUse Use(string setting, string? key, decimal cap, long spent) => new(setting, key, cap, Usd.FromNanos(spent), spent >= Usd.ToNanos(cap));

    private static DayCost Day(DateOnly day, List<SpendRow> rows)
    {
        var totals = CostTotals.Of(rows);
        return new DayCost(UtcDays.Name(day), totals.Cost, totals.TokenCost, totals.ComputeCost, totals.Jobs, totals.UnpricedJobs);
    }

    private static int Jobs(IEnumerable<SpendRow> rows) => rows.Select(r => r.JobId).Distinct(StringComparer.Ordinal).Count();

    private static int Unpriced(IEnumerable<SpendRow> rows) => rows.Where(r => r.Unpriced).Select(r => r.JobId).Distinct(StringComparer.Ordinal).Count();
}
