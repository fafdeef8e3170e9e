using AgentConductor.Conductor.Launching;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// Every price complete, not negative and exact to the nano-dollar; with token prices, the compute price the launcher in
/// use (<c>Launcher:Kind</c>) needs, so that a job's cost is never silently missing its worker's time.
/// </summary>
internal sealed class PriceOptionsValidator(IConfiguration configuration) : IValidateOptions<PriceOptions>
{
    /// <summary>No price per million tokens or per hour is anywhere near this; a larger one is a typo.</summary>
    private const decimal MaxPrice = 1_000_000m;

    public ValidateOptionsResult Validate(string? name, PriceOptions options)
    {
        var errors = new List<string>();
        foreach (var (model, prices) in options.Models)
        {
            TokenPrices(errors, $"Prices:Models:{model}", prices);
        }

        if (options.Default is { } fallback)
        {
            TokenPrices(errors, "Prices:Default", fallback);
        }

        var compute = options.Compute ?? new ComputePriceOptions();
        Price(errors, "Prices:Compute:VcpuHour", compute.VcpuHour);
        Price(errors, "Prices:Compute:GibHour", compute.GibHour);
        Price(errors, "Prices:Compute:ContainerHour", compute.ContainerHour);
        if (options.HasTokenPrices && ComputeRates.MissingFor(LauncherKind(configuration), compute) is { } missing)
        {
            errors.Add(missing);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static string LauncherKind(IConfiguration configuration) => configuration[$"{LauncherOptions.Section}:Kind"] ?? LauncherOptions.Local;

    private static void TokenPrices(List<string> errors, string setting, TokenPriceOptions? prices)
    {
        if (prices is null || (prices.Input is null && prices.CachedInput is null && prices.CacheWriteInput is null && prices.Output is null))
        {
            errors.Add($"{setting} has no prices: set Input, CachedInput, CacheWriteInput and Output (USD per million tokens).");
            return;
        }

        Required(errors, $"{setting}:Input", prices.Input);
        Required(errors, $"{setting}:CachedInput", prices.CachedInput);
        Required(errors, $"{setting}:CacheWriteInput", prices.CacheWriteInput);
        Required(errors, $"{setting}:Output", prices.Output);
    }

    private static void Required(List<string> errors, string setting, decimal? price)
    {
        if (price is null)
        {
            errors.Add($"{setting} is missing (USD per million tokens; 0 if that kind is free): a price is never assumed.");
        }

        Price(errors, setting, price);
    }

    private static void Price(List<string> errors, string setting, decimal? price)
    {
        if (price is not { } value)
        {
            return;
        }

        if (value < 0 || value > MaxPrice)
        {
            errors.Add($"{setting} must be between 0 and {MaxPrice} USD (got {value}).");
        }
        else if (!Usd.IsExactInNanos(value))
        {
            errors.Add($"{setting} has more than 9 decimal places (got {value}): costs are counted in nano-dollars.");
        }
    }
}
