using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.WorkerApi;
using AgentConductor.TestSupport;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>What a launch fixes on its job: the model and its prices, the worker's hourly price by the size it got, the caps of the moment.</summary>
public sealed class JobPricerTests
{
    private static readonly PriceOptions Table = new()
    {
        Default = new() { Input = 1, CachedInput = 0.1m, CacheWriteInput = 1.25m, Output = 8 },
        Compute = new() { VcpuHour = 0.04048m, GibHour = 0.004445m, ContainerHour = 0.1m },
    };

    [Fact]
    public void For_SizedWorker_PricedByItsVcpusAndMemory()
    {
        var pricing = Pricer(new BudgetOptions { MaxCostPerJob = 3, MaxTokensPerJob = 500 }).For(new LaunchedWorker("task/1") { Size = new WorkerSize(1, 2) });

        Assert.Equal((49_370_000L, "1 vCPU, 2 GiB"), (pricing.Compute?.NanosPerHour, pricing.Compute?.Size)); // 0.04048 + 2 * 0.004445
        Assert.Equal(("default", 1_000_000_000L, 8_000_000_000L), (pricing.Tokens?.Entry, pricing.Tokens?.InputNanos, pricing.Tokens?.OutputNanos));
        Assert.Equal((3_000_000_000L, 500L), (pricing.MaxCostNanos, pricing.MaxTokens));
        Assert.Equal("o4", pricing.Model);
    }

    [Fact]
    public void For_WorkerWithoutSize_PricedPerContainerHour()
    {
        Assert.Equal(100_000_000L, Pricer(new BudgetOptions()).For(new LaunchedWorker("local")).Compute?.NanosPerHour);
    }

    [Fact]
    public void Caps_ReloadedInvalid_TheLastValidCapsStay()
    {
        var monitor = new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyCost = 10 });
        var log = new ListLogger<BudgetSettings>();
        var settings = new BudgetSettings(new ThrowingMonitor(monitor), log);
        Assert.Equal(10, settings.Current.DailyCost);

        monitor.Set(new BudgetOptions { DailyCost = -1 }); // the monitor now fails validation, as a reload with a typo would

        Assert.Equal(10, settings.Current.DailyCost);
        Assert.Equal(10, settings.Current.DailyCost);
        Assert.Equal(1, log.Count("BudgetReloadInvalid"));
        monitor.Set(new BudgetOptions { DailyCost = 20 });
        Assert.Equal(20, settings.Current.DailyCost);
    }

    private static JobPricer Pricer(BudgetOptions budget) => new(
        Options.Create(Table),
        new BudgetSettings(new TestOptionsMonitor<BudgetOptions>(budget), new ListLogger<BudgetSettings>()),
        Options.Create(new AgentOptions { Model = " o4 " }));

    /// <summary>An options monitor that validates as the real one does: an invalid value throws on read.</summary>
    private sealed class ThrowingMonitor(TestOptionsMonitor<BudgetOptions> inner) : IOptionsMonitor<BudgetOptions>
    {
        public BudgetOptions CurrentValue => inner.CurrentValue.DailyCost is < 0
            ? throw new OptionsValidationException(Options.DefaultName, typeof(BudgetOptions), ["Budget:DailyCost must be positive when set (got -1 USD)."])
            : inner.CurrentValue;

        public BudgetOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<BudgetOptions, string?> listener) => inner.OnChange(listener);
    }
}
