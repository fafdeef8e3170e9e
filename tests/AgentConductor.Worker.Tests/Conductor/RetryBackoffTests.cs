using AgentConductor.Worker.Conductor;

namespace AgentConductor.Worker.Tests.Conductor;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    [Fact]
    public void Ceiling_SuccessiveRetries_DoublesThenStaysAtCap()
    {
        var ceilings = Enumerable.Range(1, 8).Select(retry => RetryBackoff.Ceiling(Base, Cap, retry).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], ceilings);
    }

    [Fact]
    public void Ceiling_HugeRetryNumber_CappedWithoutOverflow()
    {
        Assert.Equal(Cap, RetryBackoff.Ceiling(Base, Cap, int.MaxValue));
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.25, 2.0)]
    [InlineData(1.0, 8.0)]
    [InlineData(-3.0, 0.0)]
    [InlineData(7.0, 8.0)]
    public void FullJitter_FourthRetry_ScalesCeilingByClampedJitter(double jitter, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), RetryBackoff.FullJitter(Base, Cap, 4, jitter));
    }

    [Fact]
    public void FullJitter_RandomJitter_AlwaysWithinZeroAndCeiling()
    {
        var random = new Random(1234);

        var delays = Enumerable.Range(1, 200).Select(retry => (retry, delay: RetryBackoff.FullJitter(Base, Cap, retry, random.NextDouble()))).ToList();

        Assert.All(delays, d => Assert.InRange(d.delay, TimeSpan.Zero, RetryBackoff.Ceiling(Base, Cap, d.retry)));
        Assert.True(delays.Select(d => d.delay).Distinct().Count() > 150);
    }

    [Fact]
    public void Validate_CapBelowBase_Throws()
    {
        var options = new ConductorRetryOptions { BaseDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromSeconds(1), AttemptTimeout = TimeSpan.Zero };

        var ex = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("MaxDelay", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AttemptTimeout", ex.Message, StringComparison.Ordinal);
    }
}
