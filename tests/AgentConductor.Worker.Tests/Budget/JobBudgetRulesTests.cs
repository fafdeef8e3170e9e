using AgentConductor.Proto.V1;
using AgentConductor.Worker.Budget;

namespace AgentConductor.Worker.Tests.Budget;

/// <summary>The job's budget as the worker applies it: the conductor's arithmetic and the limits of the spec.</summary>
public sealed class JobBudgetRulesTests
{
    // USD per million: input 1.25, cached 0.125, cache write 1.5, output 10; the worker 0.36 USD an hour.
    private static JobBudget Budget(Usd? maxCost = null, long maxTokens = 0) => new()
    {
        MaxCost = maxCost,
        MaxTokens = maxTokens,
        ComputePerHour = new Usd { Nanos = 360_000_000 },
        TokenPrices = new TokenPrices
        {
            Entry = "gpt-5-codex",
            Input = new Usd { Units = 1, Nanos = 250_000_000 },
            CachedInput = new Usd { Nanos = 125_000_000 },
            CacheWriteInput = new Usd { Units = 1, Nanos = 500_000_000 },
            Output = new Usd { Units = 10 },
        },
    };

    [Theory]
    [InlineData(1_000_000, 0, 0, 0, 0, "1.25")]            // plain input
    [InlineData(1_000_000, 1_000_000, 0, 0, 0, "0.125")]   // all of it cached: the cached price only
    [InlineData(1_000_000, 0, 1_000_000, 0, 0, "1.5")]     // all of it written to the cache: that price only
    [InlineData(0, 0, 0, 1_000_000, 0, "10")]              // output
    [InlineData(0, 0, 0, 1_000_000, 400_000, "10")]        // reasoning is part of output, not extra
    [InlineData(2_000_000, 500_000, 500_000, 100_000, 0, "3.0625")] // 1M plain + 0.5M cached + 0.5M written + 0.1M out
    public void Cost_EachTokenKindAtItsOwnPrice(long input, long cached, long cacheWrite, long output, long reasoning, string expected)
    {
        var usage = new TokenUsage { InputTokens = input, CachedInputTokens = cached, CacheWriteInputTokens = cacheWrite, OutputTokens = output, ReasoningOutputTokens = reasoning };

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), new JobBudgetRules(Budget()).Cost(usage, TimeSpan.Zero));
    }

    [Fact]
    public void Cost_AddsTheWorkersTime()
    {
        Assert.Equal(0.09m, new JobBudgetRules(Budget()).Cost(new TokenUsage(), TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Cost_NoPrices_Unknown()
    {
        Assert.Null(new JobBudgetRules(null).Cost(new TokenUsage { InputTokens = 10 }, TimeSpan.FromHours(1)));
        Assert.Null(new JobBudgetRules(new JobBudget { MaxTokens = 5 }).Cost(new TokenUsage { InputTokens = 10 }, TimeSpan.Zero));
    }

    [Fact]
    public void Reached_CostLimit_OnceTheCostReachesIt()
    {
        var rules = new JobBudgetRules(Budget(maxCost: new Usd { Units = 5 }));

        Assert.Null(rules.Reached(new TokenUsage { OutputTokens = 499_000 }, TimeSpan.Zero));
        var reached = rules.Reached(new TokenUsage { OutputTokens = 500_000 }, TimeSpan.Zero);

        Assert.NotNull(reached);
        Assert.Equal("cost", reached.Limit);
        Assert.Equal("spent 5.00 USD of the job's 5.00 USD limit", reached.Reason);
        Assert.Equal(500_000, reached.Usage.OutputTokens);
    }

    [Fact]
    public void Reached_TokenLimit_CountsInputAndOutput()
    {
        var rules = new JobBudgetRules(new JobBudget { MaxTokens = 1_000 });

        Assert.Null(rules.Reached(new TokenUsage { InputTokens = 600, CachedInputTokens = 600, OutputTokens = 399, ReasoningOutputTokens = 300 }, TimeSpan.Zero));
        var reached = rules.Reached(new TokenUsage { InputTokens = 600, OutputTokens = 400 }, TimeSpan.Zero);

        Assert.Equal(("tokens", "used 1,000 tokens of the job's 1,000 token limit"), (reached?.Limit, reached?.Reason));
        Assert.True(rules.HasLimits);
    }

    [Fact]
    public void Reached_NoLimits_Never()
    {
        var rules = new JobBudgetRules(Budget());

        Assert.False(rules.HasLimits);
        Assert.Null(rules.Reached(new TokenUsage { InputTokens = long.MaxValue / 4, OutputTokens = long.MaxValue / 4 }, TimeSpan.FromDays(1)));
    }
}
