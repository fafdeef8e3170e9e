namespace AgentConductor.Benchmarks.Load;

/// <summary>Nearest-rank percentiles of a set of round trips, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max)
{
    public static LatencySummary From(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double At(double fraction) => sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
        return new LatencySummary(sorted.Length, At(0.50), At(0.90), At(0.99), sorted[^1]);
    }

    public override string ToString() => $"p50 {P50:F1} ms, p90 {P90:F1} ms, p99 {P99:F1} ms, max {Max:F1} ms";
}
