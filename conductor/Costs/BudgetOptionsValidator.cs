using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// Caps must be positive, and a cap on cost needs prices for the model the jobs run (<c>Agent:Model</c>, or
/// <c>Prices:Default</c>): a cost that cannot be measured cannot be capped, so the conductor refuses to start rather than
/// run without the cap it was given.
/// </summary>
internal sealed class BudgetOptionsValidator(IOptions<PriceOptions> prices, IOptions<AgentOptions> agent) : IValidateOptions<BudgetOptions>
{
    public ValidateOptionsResult Validate(string? name, BudgetOptions options)
    {
        var errors = new List<string>();
        Positive(errors, "Budget:MaxCostPerJob", options.MaxCostPerJob);
        Positive(errors, "Budget:DailyCost", options.DailyCost);
        Positive(errors, "Budget:DailyCostPerProject", options.DailyCostPerProject);
        Positive(errors, "Budget:DailyCostPerAccount", options.DailyCostPerAccount);
        if (options.MaxTokensPerJob is <= 0)
        {
            errors.Add($"Budget:MaxTokensPerJob must be at least 1 when set (got {options.MaxTokensPerJob}).");
        }

        var caps = options.CostCaps().ToList();
        if (caps.Count > 0 && Unpriced() is { } why)
        {
            errors.Add($"{string.Join(", ", caps)} cannot be enforced: {why}, so a job's cost is unknown. Set prices (see docs/costs-and-budgets.md) or remove the cap.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Why the jobs' model has no price; null when it has one. Problems of the price table itself are its own validator's to name.</summary>
    private string? Unpriced()
    {
        PriceOptions table;
        string? model;
        try
        {
            table = prices.Value;
            model = agent.Value.Model;
        }
        catch (OptionsValidationException)
        {
            return null;
        }

        if (!table.HasTokenPrices)
        {
            return "the price table (Prices) is empty";
        }

        return TokenPrices.For(table, model) is null
            ? $"Prices has no entry for the model '{model}' (Agent:Model) and no Prices:Default"
            : null;
    }

    private static void Positive(List<string> errors, string setting, decimal? value)
    {
        if (value is <= 0)
        {
            errors.Add($"{setting} must be positive when set (got {value} USD).");
        }
        else if (value is { } amount && !Usd.IsExactInNanos(amount))
        {
            errors.Add($"{setting} has more than 9 decimal places (got {amount}).");
        }
    }
}
