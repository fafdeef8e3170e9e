using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>Prices are complete and plausible; a cap on cost is refused at startup when nothing could price the jobs.</summary>
public sealed class PriceOptionsValidatorTests
{
    [Fact]
    public void Prices_IncompleteEntryNegativeAndTooPrecise_EachNamed()
    {
        var prices = new PriceOptions
        {
            Models = new(StringComparer.OrdinalIgnoreCase) { ["gpt-5-codex"] = new() { Input = 1.25m, Output = -1 } },
            Default = new() { Input = 0.0000000001m, CachedInput = 0, CacheWriteInput = 0, Output = 1 },
            Compute = new() { ContainerHour = 0 },
        };

        var failures = Validate(prices, "local");

        Assert.Equal(
        [
            "Prices:Models:gpt-5-codex:CachedInput is missing (USD per million tokens; 0 if that kind is free): a price is never assumed.",
            "Prices:Models:gpt-5-codex:CacheWriteInput is missing (USD per million tokens; 0 if that kind is free): a price is never assumed.",
            "Prices:Models:gpt-5-codex:Output must be between 0 and 1000000 USD (got -1).",
            "Prices:Default:Input has more than 9 decimal places (got 0.0000000001): costs are counted in nano-dollars.",
        ],
        failures);
    }

    [Fact]
    public void Prices_TokenPricesWithoutTheLaunchersComputePrice_Refused()
    {
        var prices = new PriceOptions { Default = new() { Input = 1, CachedInput = 0, CacheWriteInput = 1, Output = 2 } };

        Assert.StartsWith("Prices:Compute:ContainerHour must be set with token prices", Assert.Single(Validate(prices, "local")), StringComparison.Ordinal);
        Assert.StartsWith("Prices:Compute:VcpuHour and Prices:Compute:GibHour must be set", Assert.Single(Validate(prices, "ecs")), StringComparison.Ordinal);
        Assert.Empty(Validate(new PriceOptions(), "ecs")); // no prices at all: nothing is priced, nothing is missing
    }

    [Fact]
    public void Budget_CostCapWithoutPrices_RefusedNamingWhy()
    {
        var failures = ValidateBudget(new BudgetOptions { DailyCost = 10, MaxCostPerJob = 2 }, new PriceOptions(), model: null);

        Assert.Equal(
            "Budget:MaxCostPerJob, Budget:DailyCost cannot be enforced: the price table (Prices) is empty, so a job's cost is unknown. " +
            "Set prices (see docs/costs-and-budgets.md) or remove the cap.",
            Assert.Single(failures));
    }

    [Fact]
    public void Budget_CostCapForAModelWithoutPrice_Refused()
    {
        var prices = new PriceOptions { Models = new(StringComparer.OrdinalIgnoreCase) { ["gpt-5-codex"] = Entry() } };

        Assert.Contains("Prices has no entry for the model 'o3' (Agent:Model) and no Prices:Default", Assert.Single(ValidateBudget(new BudgetOptions { DailyCostPerProject = 1 }, prices, "o3")), StringComparison.Ordinal);
        Assert.Empty(ValidateBudget(new BudgetOptions { DailyCostPerProject = 1 }, prices, "gpt-5-codex"));
        Assert.Empty(ValidateBudget(new BudgetOptions { DailyCostPerAccount = 1 }, new PriceOptions { Default = Entry() }, "o3"));
    }

    [Fact]
    public void Budget_TokenCapNeedsNoPrices_CapsMustBePositive()
    {
        Assert.Empty(ValidateBudget(new BudgetOptions { MaxTokensPerJob = 1_000 }, new PriceOptions(), null));
        Assert.Equal(
            ["Budget:DailyCost must be positive when set (got 0 USD).", "Budget:MaxTokensPerJob must be at least 1 when set (got -5)."],
            ValidateBudget(new BudgetOptions { DailyCost = 0, MaxTokensPerJob = -5 }, new PriceOptions { Default = Entry() }, null));
    }

    private static TokenPriceOptions Entry() => new() { Input = 1, CachedInput = 0.1m, CacheWriteInput = 1, Output = 4 };

    private static IEnumerable<string> Validate(PriceOptions prices, string launcher)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Launcher:Kind", launcher)]).Build();
        return new PriceOptionsValidator(configuration).Validate(null, prices).Failures ?? [];
    }

    private static IEnumerable<string> ValidateBudget(BudgetOptions budget, PriceOptions prices, string? model) =>
        new BudgetOptionsValidator(Options.Create(prices), Options.Create(new AgentOptions { Model = model })).Validate(null, budget).Failures ?? [];
}
