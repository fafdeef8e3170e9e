using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Costs;

/// <summary>Prices a launched worker's job from the settings of the moment: the model's token prices, the worker's size, the per-job caps.</summary>
internal sealed class JobPricer(IOptions<PriceOptions> prices, BudgetSettings budgets, IOptions<AgentOptions> agent)
{
    public JobPricing For(LaunchedWorker worker)
    {
        var table = prices.Value;
        var model = string.IsNullOrWhiteSpace(agent.Value.Model) ? null : agent.Value.Model.Trim();
        var tokens = TokenPrices.For(table, model);
        var caps = budgets.Current;
        return new JobPricing(
            model,
            tokens,
            ComputeRates.For(worker.Size, table.Compute ?? new ComputePriceOptions()),
            tokens is not null && caps.MaxCostPerJob is { } maxCost ? Usd.ToNanos(maxCost) : null,
            caps.MaxTokensPerJob);
    }
}
