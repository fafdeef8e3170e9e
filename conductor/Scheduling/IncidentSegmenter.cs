namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// The grouping rule, as a pure function of one account's ALARM times (sorted ascending, milliseconds):
/// walking in time order, an alarm starts a new incident when the gap to the previous alarm exceeds the
/// chain window, or when it lies more than the maximum span after the current incident's first alarm.
/// Because the result depends only on the set of times, arrival order cannot change the grouping;
/// <see cref="IncidentChainer"/> maintains exactly this grouping incrementally.
/// </summary>
internal static class IncidentSegmenter
{
    /// <summary>Returns, for each incident, the index of its first alarm and its alarm count.</summary>
    public static List<(int Start, int Count)> Segment(IReadOnlyList<long> sortedTimes, long windowMs, long maxSpanMs)
    {
        var segments = new List<(int Start, int Count)>();
        if (sortedTimes.Count == 0)
        {
            return segments;
        }

        var start = 0;
        for (var i = 1; i < sortedTimes.Count; i++)
        {
            if (StartsNewIncident(sortedTimes[start], sortedTimes[i - 1], sortedTimes[i], windowMs, maxSpanMs))
            {
                segments.Add((start, i - start));
                start = i;
            }
        }

        segments.Add((start, sortedTimes.Count - start));
        return segments;
    }

    public static bool StartsNewIncident(long incidentFirst, long previous, long next, long windowMs, long maxSpanMs) =>
        next - previous > windowMs || next - incidentFirst > maxSpanMs;
}
