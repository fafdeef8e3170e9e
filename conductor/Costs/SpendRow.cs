using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Costs;

/// <summary>A job's spend on one UTC day: a <c>job_spend</c> row, or the worker time so far of an attempt still running.</summary>
internal sealed record SpendRow(
    string JobId, DateOnly Day, string Kind, string? ProjectKey, string? Account, bool TokensPriced, bool ComputePriced,
    TokenCounts Tokens, long TokenCost, long ComputeMs, long ComputeCost)
{
    public long Cost => TokenCost + ComputeCost;

    /// <summary>Some of this spend has no price (the job's tokens or worker), so its cost is incomplete.</summary>
    public bool Unpriced => !TokensPriced || !ComputePriced;
}
