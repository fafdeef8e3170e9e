namespace AgentConductor.Benchmarks;

/// <summary>A peak kept by samplers whose timer callbacks may overlap.</summary>
internal static class Peak
{
    /// <summary>Raises <paramref name="location"/> to <paramref name="value"/> if it is larger, atomically.</summary>
    public static void Raise(ref long location, long value)
    {
        var current = Interlocked.Read(ref location);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref location, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
