using AgentConductor.Conductor.Intake;

namespace AgentConductor.Conductor.Tests.Intake;

public sealed class IntakeTimestampsTests
{
    [Theory]
    [InlineData("2026-05-13T09:41:03.000+0000", "2026-05-13T09:41:03.0000000+00:00")]
    [InlineData("2026-11-02T14:05:12.411+0000", "2026-11-02T14:05:12.4110000+00:00")]
    [InlineData("2026-05-13T11:41:03.000+0200", "2026-05-13T09:41:03.0000000+00:00")]
    [InlineData("2026-05-13T04:41:03.000-0500", "2026-05-13T09:41:03.0000000+00:00")]
    [InlineData("2026-05-13T09:41:03Z", "2026-05-13T09:41:03.0000000+00:00")]
    [InlineData("2026-05-13T09:41:03+00:00", "2026-05-13T09:41:03.0000000+00:00")]
    [InlineData("2026-11-02T14:07:30.180Z", "2026-11-02T14:07:30.1800000+00:00")]
    [InlineData("2026-11-02T14:07:30.1234567Z", "2026-11-02T14:07:30.1234567+00:00")]
    [InlineData("2026-11-02T14:07:30", "2026-11-02T14:07:30.0000000+00:00")]
    public void TryParse_JiraAndIsoForms_ReadsTheInstant(string text, string expectedUtc)
    {
        Assert.True(IntakeTimestamps.TryParse(text, out var value));
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), value);
        Assert.Equal(expectedUtc, value.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-05-13")]
    [InlineData("13/05/2026 09:41:03")]
    [InlineData("2026-13-13T09:41:03Z")]
    [InlineData("2026-05-13T09:41:03+2500")]
    [InlineData("1762092000000")]
    public void TryParse_OtherText_ReturnsFalse(string text)
    {
        Assert.False(IntakeTimestamps.TryParse(text, out _));
    }

    [Theory]
    [InlineData(1762092000000L, true)]
    [InlineData(0L, true)]
    [InlineData(253_402_300_799_999L, true)]
    [InlineData(253_402_300_800_000L, false)]
    [InlineData(long.MinValue, false)]
    public void TryFromUnixMilliseconds_Range_AcceptsOnlyRepresentableInstants(long milliseconds, bool expected)
    {
        Assert.Equal(expected, IntakeTimestamps.TryFromUnixMilliseconds(milliseconds, out var value));
        if (expected)
        {
            Assert.Equal(milliseconds, value.ToUnixTimeMilliseconds());
        }
    }
}
