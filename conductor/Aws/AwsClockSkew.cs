using System.Globalization;
using System.Net;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// How far AWS's clock is from the local one, as the SDKs learn it. AWS refuses a request signed more than 5 minutes
/// off its clock, which on a host whose clock drifted would turn every call into a non-retryable "access denied". An
/// error that says so (<c>RequestTimeTooSkewed</c>, <c>RequestExpired</c>, <c>RequestInTheFuture</c>), or a signature
/// error (<c>InvalidSignatureException</c>, <c>SignatureDoesNotMatch</c>, <c>AuthFailure</c>, a bare 403) whose server
/// time is more than 5 minutes from the request's, sets the offset to AWS's time (the response's <c>Date</c> header, else
/// the time in AWS's message) minus ours; requests are signed with the corrected time from then on.
/// </summary>
internal sealed class AwsClockSkew(TimeProvider time)
{
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);
    private static readonly HashSet<string> SkewCodes = new(StringComparer.OrdinalIgnoreCase) { "RequestTimeTooSkewed", "RequestExpired", "RequestInTheFuture" };
    private static readonly HashSet<string> SignatureCodes = new(StringComparer.OrdinalIgnoreCase) { "InvalidSignatureException", "SignatureDoesNotMatch", "AuthFailure" };

    private long _offsetTicks;

    /// <summary>AWS's clock minus ours; zero until an error showed otherwise.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>The time to sign the next request with.</summary>
    public DateTimeOffset UtcNow => time.GetUtcNow() + Offset;

    /// <summary>
    /// True when <paramref name="error"/> says the request signed at <paramref name="signedAt"/> was refused for its time;
    /// <see cref="Offset"/> then holds the correction.
    /// </summary>
    public bool TryCorrect(AwsException error, DateTimeOffset signedAt)
    {
        var serverTime = error.ServerTime ?? TimeInMessage(error.AwsMessage);
        if (serverTime is null)
        {
            return false;
        }

        var skewed = SkewCodes.Contains(error.Code)
            || ((SignatureCodes.Contains(error.Code) || error.Status == HttpStatusCode.Forbidden) && (signedAt - serverTime.Value).Duration() > MaxSkew);
        if (!skewed)
        {
            return false;
        }

        Interlocked.Exchange(ref _offsetTicks, (serverTime.Value - time.GetUtcNow()).Ticks);
        return true;
    }

    /// <summary>
    /// AWS's time in its own words: "Signature expired: 20261102T140000Z is now earlier than 20261102T141000Z
    /// (20261102T141500Z - 5 min.)" names it inside the parentheses.
    /// </summary>
    private static DateTimeOffset? TimeInMessage(string message)
    {
        var open = message.IndexOf('(', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var end = message.IndexOfAny([' ', ')'], open + 1);
        return end > open
            && DateTimeOffset.TryParseExact(
                message.AsSpan(open + 1, end - open - 1), "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var serverTime)
            ? serverTime
            : null;
    }
}
