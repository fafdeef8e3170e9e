using System.Net;
using AgentConductor.Conductor.Aws;
using Microsoft.Extensions.Time.Testing;

namespace AgentConductor.Conductor.Tests.Aws;

public sealed class AwsClockSkewTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryCorrect_ServerTimeOnlyInAwsMessage_LearnsTheOffsetFromIt()
    {
        var skew = new AwsClockSkew(_time);
        var error = new AwsAccessDeniedException(
            "RunTask", "InvalidSignatureException", "Signature expired: 20261102T140000Z is now earlier than 20261102T141000Z (20261102T141500Z - 5 min.)",
            HttpStatusCode.BadRequest, null);

        Assert.True(skew.TryCorrect(error, _time.GetUtcNow()));
        Assert.Equal(TimeSpan.FromMinutes(15), skew.Offset);
        _time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 15, 3, TimeSpan.Zero), skew.UtcNow);
    }

    [Fact]
    public void TryCorrect_SignatureErrorWithAServerTimeWithinFiveMinutes_IsAWrongSignatureNotSkew()
    {
        var skew = new AwsClockSkew(_time);

        Assert.False(skew.TryCorrect(Denied("SignatureDoesNotMatch", _time.GetUtcNow().AddMinutes(4)), _time.GetUtcNow()));
        Assert.False(skew.TryCorrect(Denied("InvalidSignatureException", null), _time.GetUtcNow()));
        Assert.Equal(TimeSpan.Zero, skew.Offset);
    }

    [Fact]
    public void TryCorrect_SkewCodeOrBare403BeyondFiveMinutes_Corrects()
    {
        var definite = new AwsClockSkew(_time);
        var forbidden = new AwsClockSkew(_time);

        Assert.True(definite.TryCorrect(Denied("RequestTimeTooSkewed", _time.GetUtcNow().AddMinutes(-2)), _time.GetUtcNow()));
        Assert.True(forbidden.TryCorrect(Denied("Http403", _time.GetUtcNow().AddHours(1), HttpStatusCode.Forbidden), _time.GetUtcNow()));

        Assert.Equal(TimeSpan.FromMinutes(-2), definite.Offset);
        Assert.Equal(TimeSpan.FromHours(1), forbidden.Offset);
    }

    [Fact]
    public void TryCorrect_OtherErrors_AreNotSkew()
    {
        var skew = new AwsClockSkew(_time);
        var throttled = new AwsThrottledException("RunTask", "ThrottlingException", "Rate exceeded", HttpStatusCode.BadRequest, null)
        {
            ServerTime = _time.GetUtcNow().AddHours(1),
        };

        Assert.False(skew.TryCorrect(throttled, _time.GetUtcNow()));
        Assert.Equal(TimeSpan.Zero, skew.Offset);
    }

    private static AwsAccessDeniedException Denied(string code, DateTimeOffset? serverTime, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new("RunTask", code, "refused", status, null) { ServerTime = serverTime };
}
