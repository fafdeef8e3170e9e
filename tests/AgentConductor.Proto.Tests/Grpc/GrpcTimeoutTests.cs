using AgentConductor.Proto.Grpc;

namespace AgentConductor.Proto.Tests.Grpc;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("1500u", 15_000L)]
    [InlineData("99999999n", 999_999L)]
    public void TryParse_EachUnit_ReturnsTimeout(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("100")]
    [InlineData("123456789S")]
    [InlineData("-1S")]
    [InlineData("1s")]
    [InlineData("1 S")]
    public void TryParse_Invalid_ReturnsFalse(string value) => Assert.False(GrpcTimeout.TryParse(value, out _));

    [Theory]
    [InlineData(5_000L, "500000n")]
    [InlineData(2_500_000L, "250000u")]
    [InlineData(36_000_000_000L, "3600000m")]
    [InlineData(36_000_000_000_000L, "3600000S")]
    public void Format_PicksFinestUnitThatFits(long ticks, string expected)
        => Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void Format_ThenParse_NeverShortensTheTimeout()
    {
        foreach (var ms in new[] { 1, 7, 999, 123_456, 86_400_000 })
        {
            var timeout = TimeSpan.FromMilliseconds(ms) + TimeSpan.FromTicks(3);
            Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(timeout), out var parsed));
            Assert.True(parsed >= timeout, $"{parsed} < {timeout}");
            Assert.True(GrpcTimeout.Format(timeout).Length <= 9);
        }
    }
}
