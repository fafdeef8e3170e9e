using System.Globalization;

namespace AgentConductor.Conductor.Costs;

/// <summary>Budgets count by UTC day, named <c>YYYY-MM-DD</c> as <c>job_spend.day</c> stores them.</summary>
internal static class UtcDays
{
    public static DateOnly Of(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    public static string Name(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Name(DateTimeOffset at) => Name(Of(at));

    public static DateOnly Parse(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParse(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    public static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The milliseconds of [<paramref name="from"/>, <paramref name="to"/>) that fall on each UTC day, in order.</summary>
    public static IEnumerable<(DateOnly Day, long Milliseconds)> Split(DateTimeOffset from, DateTimeOffset to)
    {
        var start = from.ToUniversalTime();
        while (start < to)
        {
            var day = Of(start);
            var end = Start(day.AddDays(1)) < to ? Start(day.AddDays(1)) : to.ToUniversalTime();
            yield return (day, (long)(end - start).TotalMilliseconds);
            start = end;
        }
    }
}
