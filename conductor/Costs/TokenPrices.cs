using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// The prices a job's tokens are charged at, in nano-dollars per million tokens, and the arithmetic: cached and cache-write
/// input are part of the input count and billed at their own price only; reasoning is part of output and billed as output.
/// <code>
/// cost = ((input - cached - cacheWrite) * Input + cached * CachedInput + cacheWrite * CacheWriteInput + output * Output) / 10^6
/// </code>
/// </summary>
/// <param name="Entry">The price entry: the model's name as configured, or <c>default</c>.</param>
internal sealed record TokenPrices(string Entry, long InputNanos, long CachedInputNanos, long CacheWriteInputNanos, long OutputNanos)
{
    public const string DefaultEntry = "default";

    private const decimal PerMillion = 1_000_000m;

    /// <summary>The entry for <paramref name="model"/> (its own, else the default); null when the table has neither.</summary>
    public static TokenPrices? For(PriceOptions table, string? model)
    {
        if (!string.IsNullOrWhiteSpace(model) && table.Models.FirstOrDefault(m => string.Equals(m.Key, model.Trim(), StringComparison.OrdinalIgnoreCase)) is { Value: { } own } entry)
        {
            return From(entry.Key, own);
        }

        return table.Default is { } fallback ? From(DefaultEntry, fallback) : null;
    }

    /// <summary>What <paramref name="usage"/> costs, in nano-dollars rounded half away from zero.</summary>
    public long CostNanos(TokenCounts usage)
    {
        var cached = Math.Min(usage.CachedInput, usage.Input);
        var cacheWrite = Math.Min(usage.CacheWriteInput, usage.Input - cached);
        var plainInput = usage.Input - cached - cacheWrite;
        var total = ((decimal)plainInput * InputNanos) + ((decimal)cached * CachedInputNanos) + ((decimal)cacheWrite * CacheWriteInputNanos) + ((decimal)usage.Output * OutputNanos);
        return decimal.ToInt64(decimal.Round(total / PerMillion, MidpointRounding.AwayFromZero));
    }

    private static TokenPrices From(string entry, TokenPriceOptions prices) => new(
        entry, Usd.ToNanos(prices.Input ?? 0), Usd.ToNanos(prices.CachedInput ?? 0), Usd.ToNanos(prices.CacheWriteInput ?? 0), Usd.ToNanos(prices.Output ?? 0));
}
