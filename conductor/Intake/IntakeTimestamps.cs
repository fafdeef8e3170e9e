using System.Globalization;

namespace AgentConductor.Conductor.Intake;

/// <summary>
/// Reads the timestamps Jira and AWS send: ISO 8601 with <c>Z</c> or <c>+00:00</c>, and the Jira/CloudWatch
/// form whose offset has no colon (<c>2026-05-13T09:41:03.000+0000</c>).
/// </summary>
internal static class IntakeTimestamps
{
    // "FFFFFFF" makes the fraction (and its dot) optional; "K" reads Z or +hh:mm, or nothing (then UTC).
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK";

    public static bool TryParse(string text, out DateTimeOffset value)
    {
        var normalized = InsertOffsetColon(text.Trim());
        return DateTimeOffset.TryParseExact(
            normalized,
            Format,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal,
            out value);
    }

    /// <summary>Epoch milliseconds, as Jira webhooks send them; false when out of DateTimeOffset's range.</summary>
    public static bool TryFromUnixMilliseconds(long milliseconds, out DateTimeOffset value)
    {
        const long Min = -62_135_596_800_000;
        const long Max = 253_402_300_799_999;
        if (milliseconds is < Min or > Max)
        {
            value = default;
            return false;
        }

        value = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        return true;
    }

    // "...+0000" -> "...+00:00"; anything else is returned unchanged.
    private static string InsertOffsetColon(string text)
    {
        if (text.Length < 5)
        {
            return text;
        }

        var sign = text[^5];
        var digits = text.AsSpan(text.Length - 4);
        if ((sign == '+' || sign == '-') && !digits.ContainsAnyExceptInRange('0', '9'))
        {
            return string.Concat(text.AsSpan(0, text.Length - 2), ":", text.AsSpan(text.Length - 2));
        }

        return text;
    }
}
