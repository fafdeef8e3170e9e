using System.Globalization;

namespace AgentConductor.Conductor.Costs;

/// <summary>
/// Money as stored: whole nano-dollars (10^-9 USD) in a 64-bit integer, so sums in SQL are exact; decimals at the edges
/// (settings, the API). A price may have at most nine decimal places.
/// </summary>
internal static class Usd
{
    public const string Currency = "USD";

    private const decimal NanosPerDollar = 1_000_000_000m;

    public static long ToNanos(decimal usd) => decimal.ToInt64(decimal.Round(usd * NanosPerDollar, MidpointRounding.AwayFromZero));

    public static decimal FromNanos(long nanos) => nanos / NanosPerDollar / 1.000000000000000000000000000000000m;

    public static decimal? FromNanos(long? nanos) => nanos is { } value ? FromNanos(value) : null;

    /// <summary>True when <paramref name="usd"/> has no more decimal places than a nano-dollar.</summary>
    public static bool IsExactInNanos(decimal usd) => decimal.Round(usd, 9) == usd;

    /// <summary>"5.02 USD": two decimals, more when a smaller amount would show as 0.00.</summary>
    public static string Format(decimal usd) =>
        string.Create(CultureInfo.InvariantCulture, $"{usd.ToString(Math.Abs(usd) is > 0 and < 0.01m ? "0.00####" : "0.00", CultureInfo.InvariantCulture)} {Currency}");

    public static string Format(long nanos) => Format(FromNanos(nanos));
}
