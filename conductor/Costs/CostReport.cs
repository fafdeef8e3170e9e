using AgentConductor.Conductor.Api;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// <c>GET /v1/costs</c>: spend in USD over a range of UTC days (<c>from</c>..<c>to</c>, both included), in all, per day,
/// per Jira project (ticket jobs) and per AWS account (incident jobs), and today's spend against the daily caps. A
/// running job's worker time counts up to now. <c>unpricedJobs</c> ran without a price: their cost is not in the sums.
/// </summary>
internal sealed record CostReport(
    string Currency, string From, string To, CostTotals Total, IReadOnlyList<DayCost> Days, IReadOnlyList<ProjectCost> Projects,
    IReadOnlyList<AccountCost> Accounts, TodayBudget Today);

/// <summary>Spend of a set of jobs: tokens at their prices plus worker time; <c>jobs</c> had spend in the range.</summary>
internal sealed record CostTotals(decimal Cost, decimal TokenCost, decimal ComputeCost, long ComputeMs, int Jobs, int UnpricedJobs, TokenUsageView Tokens)
{
    public static CostTotals Of(IReadOnlyCollection<SpendRow> rows) => new(
        Usd.FromNanos(rows.Sum(r => r.Cost)),
        Usd.FromNanos(rows.Sum(r => r.TokenCost)),
        Usd.FromNanos(rows.Sum(r => r.ComputeCost)),
        rows.Sum(r => r.ComputeMs),
        rows.Select(r => r.JobId).Distinct(StringComparer.Ordinal).Count(),
        rows.Where(r => r.Unpriced).Select(r => r.JobId).Distinct(StringComparer.Ordinal).Count(),
        new TokenUsageView(
            rows.Sum(r => r.Tokens.Input), rows.Sum(r => r.Tokens.CachedInput), rows.Sum(r => r.Tokens.CacheWriteInput),
            rows.Sum(r => r.Tokens.Output), rows.Sum(r => r.Tokens.Reasoning)));
}

internal sealed record DayCost(string Day, decimal Cost, decimal TokenCost, decimal ComputeCost, int Jobs, int UnpricedJobs);

internal sealed record ProjectCost(string Project, decimal Cost, int Jobs, int UnpricedJobs);

internal sealed record AccountCost(string Account, decimal Cost, int Jobs, int UnpricedJobs);

/// <summary>Today (UTC) against the daily caps that are set: one entry per cap, and per project or account that spent today.</summary>
internal sealed record TodayBudget(string Day, decimal Spent, IReadOnlyList<CapUse> Caps);

/// <param name="Setting"><c>Budget:DailyCost</c>, <c>Budget:DailyCostPerProject</c> or <c>Budget:DailyCostPerAccount</c>.</param>
/// <param name="Key">The project or account (null for <c>Budget:DailyCost</c>, or when none has spent today).</param>
/// <param name="Reached">No job under this cap launches until the next UTC day or a higher cap.</param>
internal sealed record CapUse(string Setting, string? Key, decimal Cap, decimal Spent, bool Reached);
