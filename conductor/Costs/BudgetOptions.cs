namespace AgentConductor.Conductor.Costs;

/// <summary>
/// Spending caps (<c>Budget</c>), all optional. Per job: given to the worker in its job spec, whose model proxy stops the
/// run at the cap. Per UTC day: the dispatcher launches nothing more under a cap that today's spend has reached. Read
/// anew on every dispatch pass, so a raised cap (settings reloaded) releases waiting jobs without a restart.
/// </summary>
internal sealed class BudgetOptions
{
    public const string Section = "Budget";

    /// <summary>USD a job may spend (tokens at their prices plus its worker's time).</summary>
    public decimal? MaxCostPerJob { get; set; }

    /// <summary>Tokens a job may use: input plus output (cached and cache-write input are input; reasoning is output).</summary>
    public long? MaxTokensPerJob { get; set; }

    /// <summary>USD all jobs together may spend per UTC day.</summary>
    public decimal? DailyCost { get; set; }

    /// <summary>USD the ticket jobs of one Jira project may spend per UTC day.</summary>
    public decimal? DailyCostPerProject { get; set; }

    /// <summary>USD the incident jobs of one AWS account may spend per UTC day.</summary>
    public decimal? DailyCostPerAccount { get; set; }

    /// <summary>The cost caps that are set, by setting name (they need prices).</summary>
    public IEnumerable<string> CostCaps()
    {
        if (MaxCostPerJob is not null)
        {
            yield return "Budget:MaxCostPerJob";
        }

        if (DailyCost is not null)
        {
            yield return "Budget:DailyCost";
        }

        if (DailyCostPerProject is not null)
        {
            yield return "Budget:DailyCostPerProject";
        }

        if (DailyCostPerAccount is not null)
        {
            yield return "Budget:DailyCostPerAccount";
        }
    }
}
