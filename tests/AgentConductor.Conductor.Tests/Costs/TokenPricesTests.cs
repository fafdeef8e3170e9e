using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.WorkerApi;

namespace AgentConductor.Conductor.Tests.Costs;

/// <summary>The token arithmetic: each kind at its own price, nothing billed twice, exact to the nano-dollar.</summary>
public sealed class TokenPricesTests
{
    // USD per million: input 1.25, cached 0.125, cache write 1.5, output 10.
    private static readonly TokenPrices Prices = new("default", 1_250_000_000, 125_000_000, 1_500_000_000, 10_000_000_000);

    [Theory]
    [InlineData(1_000_000, 0, 0, 0, 0, 1_250_000_000)]           // plain input
    [InlineData(1_000_000, 1_000_000, 0, 0, 0, 125_000_000)]     // cached: its price only, not the input price too
    [InlineData(1_000_000, 0, 1_000_000, 0, 0, 1_500_000_000)]   // written to the cache: its price only
    [InlineData(0, 0, 0, 1_000_000, 0, 10_000_000_000)]          // output
    [InlineData(0, 0, 0, 1_000_000, 600_000, 10_000_000_000)]    // reasoning is output, not more
    [InlineData(1, 0, 0, 0, 0, 1_250)]                           // one token: 1.25e-6 USD
    [InlineData(1_000_000, 700_000, 700_000, 0, 0, 537_500_000)]   // counts that overlap more than the input: cached first, the rest written
    public void CostNanos_EachKindAtItsPrice(long input, long cached, long cacheWrite, long output, long reasoning, long expected)
    {
        Assert.Equal(expected, Prices.CostNanos(new TokenCounts(input, cached, output, reasoning, cacheWrite)));
    }

    [Fact]
    public void CostNanos_FractionOfANanoDollar_RoundsHalfAwayFromZero()
    {
        var cheap = new TokenPrices("default", 1, 0, 0, 0); // 1 nano-dollar per million tokens

        Assert.Equal(0, cheap.CostNanos(new TokenCounts(499_999, 0, 0, 0)));
        Assert.Equal(1, cheap.CostNanos(new TokenCounts(500_000, 0, 0, 0)));
    }

    [Fact]
    public void For_ModelEntryCaseInsensitiveElseDefaultElseNone()
    {
        var table = new PriceOptions
        {
            Models = new(StringComparer.OrdinalIgnoreCase) { ["gpt-5-codex"] = Entry(2) },
            Default = Entry(1),
        };

        Assert.Equal(("gpt-5-codex", 2_000_000_000L), Describe(TokenPrices.For(table, "GPT-5-codex ")));
        Assert.Equal(("default", 1_000_000_000L), Describe(TokenPrices.For(table, "o3")));
        Assert.Equal(("default", 1_000_000_000L), Describe(TokenPrices.For(table, null)));
        Assert.Null(TokenPrices.For(new PriceOptions { Models = table.Models }, "o3"));
        Assert.Null(TokenPrices.For(new PriceOptions(), null));
    }

    [Theory]
    [InlineData(1_250_000_000, "1.25")]
    [InlineData(2_000_000_000, "2")]
    [InlineData(1, "0.000000001")]
    [InlineData(0, "0")]
    public void Usd_FromNanos_ExactAndWithoutTrailingZeros(long nanos, string expected)
    {
        Assert.Equal(expected, Usd.FromNanos(nanos).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(nanos, Usd.ToNanos(Usd.FromNanos(nanos)));
    }

    [Theory]
    [InlineData("5.02", "5.02 USD")]
    [InlineData("0.004237", "0.004237 USD")]
    [InlineData("0", "0.00 USD")]
    public void Usd_Format_TwoDecimalsMoreBelowACent(string amount, string expected)
    {
        Assert.Equal(expected, Usd.Format(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static (string?, long?) Describe(TokenPrices? prices) => (prices?.Entry, prices?.InputNanos);

    private static TokenPriceOptions Entry(decimal input) => new() { Input = input, CachedInput = 0, CacheWriteInput = 0, Output = 0 };
}
