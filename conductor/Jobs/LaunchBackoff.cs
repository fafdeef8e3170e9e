namespace AgentConductor.Conductor.Jobs;

/// <summary>Exponential backoff with "equal jitter": the n-th retry waits between half and all of min(cap, base * 2^(n-1)).</summary>
internal static class LaunchBackoff
{
    public static TimeSpan Delay(int failures, TimeSpan retryBase, TimeSpan cap, Random random)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var full = TimeSpan.FromTicks((long)Math.Min(cap.Ticks, retryBase.Ticks * Math.Pow(2, exponent)));
        return full / 2 + full / 2 * random.NextDouble();
    }
}
