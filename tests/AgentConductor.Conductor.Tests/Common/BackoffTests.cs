using AgentConductor.Common;

namespace AgentConductor.Conductor.Tests.Common;

/// <summary>The one backoff formula (common/Backoff.cs, compiled into the conductor and the worker alike).</summary>
public sealed class BackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(30);

    [Fact]
    public void Ceiling_SuccessiveRetries_DoublesThenStaysAtCap()
    {
        var ceilings = Enumerable.Range(1, 8).Select(retry => Backoff.Ceiling(retry, Base, Cap).TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], ceilings);
    }

    [Fact]
    public void Ceiling_HugeRetryNumberOrNoCap_NeverOverflows()
    {
        Assert.Equal(Cap, Backoff.Ceiling(int.MaxValue, Base, Cap));
        Assert.Equal(TimeSpan.MaxValue, Backoff.Ceiling(int.MaxValue, TimeSpan.FromMinutes(1), TimeSpan.MaxValue));
        Assert.Equal(TimeSpan.FromMinutes(8), Backoff.Ceiling(4, TimeSpan.FromMinutes(1), TimeSpan.MaxValue));
    }

    [Fact]
    public void Ceiling_RetryZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Backoff.Ceiling(0, Base, Cap));

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.25, 2.0)]
    [InlineData(0.999, 7.992)]
    [InlineData(-3.0, 0.0)]
    [InlineData(7.0, 8.0)]
    public void Delay_FourthRetry_ScalesTheCeilingByTheClampedJitter(double jitter, double expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), new Backoff(() => jitter).Delay(4, Base, Cap));

    [Fact]
    public void Delay_RandomJitter_SpreadsOverZeroToTheCeiling()
    {
        var delays = Enumerable.Range(1, 400).Select(i => (retry: 1 + (i % 8), delay: Backoff.Random.Delay(1 + (i % 8), Base, Cap))).ToList();

        Assert.All(delays, d => Assert.InRange(d.delay, TimeSpan.Zero, Backoff.Ceiling(d.retry, Base, Cap)));
        Assert.Contains(delays, d => d.delay < Backoff.Ceiling(d.retry, Base, Cap) / 2);
        Assert.Contains(delays, d => d.delay > Backoff.Ceiling(d.retry, Base, Cap) / 2);
        Assert.True(delays.Select(d => d.delay).Distinct().Count() > 300);
    }
}
