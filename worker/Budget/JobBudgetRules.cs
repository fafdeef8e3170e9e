using System.Globalization;
using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Budget;

/// <summary>
/// The job's <see cref="JobBudget"/> as the worker applies it: what a usage costs at the job's prices (the conductor's
/// arithmetic, so both agree) and whether a limit is reached. The model proxy checks <see cref="Reached"/> before each
/// model request; the pull request body shows <see cref="Cost"/>.
/// </summary>
internal sealed class JobBudgetRules(JobBudget? budget)
{
    private const decimal PerMillion = 1_000_000m;

    /// <summary>True when the spec sets a cost or token limit.</summary>
    public bool HasLimits => budget is not null && (budget.MaxCost is not null || budget.MaxTokens > 0);

    /// <summary>
    /// The estimated cost in USD of <paramref name="usage"/> plus <paramref name="runTime"/> of this worker; null when the
    /// job's tokens have no price. Cached and cache-write input are part of the input count and priced on their own;
    /// reasoning is part of output. A worker without a compute price adds nothing for its time.
    /// </summary>
    public decimal? Cost(TokenUsage usage, TimeSpan runTime)
    {
        if (budget?.TokenPrices is not { } prices)
        {
            return null;
        }

        var input = Math.Max(0, usage.InputTokens);
        var cached = Math.Min(Math.Max(0, usage.CachedInputTokens), input);
        var cacheWrite = Math.Min(Math.Max(0, usage.CacheWriteInputTokens), input - cached);
        var tokens = (((input - cached - cacheWrite) * Dollars(prices.Input)) + (cached * Dollars(prices.CachedInput))
            + (cacheWrite * Dollars(prices.CacheWriteInput)) + (Math.Max(0, usage.OutputTokens) * Dollars(prices.Output))) / PerMillion;
        var compute = Dollars(budget.ComputePerHour) * (decimal)Math.Max(0, runTime.TotalHours);
        return decimal.Round(tokens + compute, 9, MidpointRounding.AwayFromZero);
    }

    /// <summary>The limit <paramref name="usage"/> and <paramref name="runTime"/> have reached, with the reason in words; null while under every limit.</summary>
    public BudgetReached? Reached(TokenUsage usage, TimeSpan runTime)
    {
        if (budget is null)
        {
            return null;
        }

        var tokens = Math.Max(0, usage.InputTokens) + Math.Max(0, usage.OutputTokens);
        if (budget.MaxTokens > 0 && tokens >= budget.MaxTokens)
        {
            return new BudgetReached
            {
                Limit = "tokens",
                Reason = string.Create(CultureInfo.InvariantCulture, $"used {tokens:N0} tokens of the job's {budget.MaxTokens:N0} token limit"),
                Usage = usage.Clone(),
            };
        }

        if (budget.MaxCost is { } max && Cost(usage, runTime) is { } cost && cost >= Dollars(max))
        {
            return new BudgetReached
            {
                Limit = "cost",
                Reason = $"spent {Format(cost)} of the job's {Format(Dollars(max))} limit",
                Usage = usage.Clone(),
            };
        }

        return null;
    }

    /// <summary>"5.02 USD": two decimals, more when a smaller amount would show as 0.00.</summary>
    public static string Format(decimal usd) =>
        usd.ToString(usd is > 0 and < 0.01m ? "0.00####" : "0.00", CultureInfo.InvariantCulture) + " USD";

    public static decimal Dollars(Usd? amount) => amount is null ? 0 : amount.Units + (amount.Nanos / 1_000_000_000m);
}
