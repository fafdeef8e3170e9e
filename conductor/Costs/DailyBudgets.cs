using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// The daily caps as a dispatch pass applies them: today's spend (UTC) read once per pass from the stored tallies, so a
/// restart keeps them and the next UTC day starts from zero. Without daily caps nothing is read.
/// </summary>
internal sealed class DailyBudgets(ConductorDatabase database, BudgetSettings settings)
{
    public DailyBudgetCheck For(DateTimeOffset now)
    {
        var caps = settings.Current;
        if (caps.DailyCost is null && caps.DailyCostPerProject is null && caps.DailyCostPerAccount is null)
        {
            return DailyBudgetCheck.None;
        }

        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        return new DailyBudgetCheck(caps, DailySpend.Read(db, now));
    }
}

/// <summary>Whether a job may launch under today's daily caps, and if not, which cap holds it and the numbers.</summary>
internal sealed class DailyBudgetCheck(BudgetOptions caps, DailySpend? spend)
{
    public static DailyBudgetCheck None { get; } = new(new BudgetOptions(), null);

    public DailySpend? Spend => spend;

    /// <summary>Why <paramref name="job"/> waits for a budget; null when no daily cap holds it.</summary>
    public string? Holds(JobRecord job)
    {
        if (spend is null)
        {
            return null;
        }

        if (caps.DailyCost is { } all && Reached(all, spend.Total))
        {
            return Detail("Budget:DailyCost", all, spend.Total, "");
        }

        if (job.ProjectKey is { } project && caps.DailyCostPerProject is { } perProject && Reached(perProject, spend.ByProject.GetValueOrDefault(project)))
        {
            return Detail("Budget:DailyCostPerProject", perProject, spend.ByProject[project], $" by project {project}");
        }

        if (job.Account is { } account && caps.DailyCostPerAccount is { } perAccount && Reached(perAccount, spend.ByAccount.GetValueOrDefault(account)))
        {
            return Detail("Budget:DailyCostPerAccount", perAccount, spend.ByAccount[account], $" by account {account}");
        }

        return null;
    }

    private static bool Reached(decimal cap, long spentNanos) => spentNanos >= Usd.ToNanos(cap);

    private string Detail(string setting, decimal cap, long spentNanos, string scope) =>
        $"{setting} ({Usd.Format(cap)}) is reached: {Usd.Format(spentNanos)} spent{scope} on {UtcDays.Name(spend!.Day)} (UTC); " +
        $"launches resume at {UtcDays.Name(spend.Day.AddDays(1))}T00:00:00Z or when the cap is raised";
}
