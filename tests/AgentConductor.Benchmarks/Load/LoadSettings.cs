namespace AgentConductor.Benchmarks.Load;

/// <summary>What the load benchmark simulates.</summary>
/// <param name="Workers">Simulated workers, each with its own job, connected at once.</param>
/// <param name="Duration">How long heartbeats and progress latencies are measured (after <paramref name="Warmup"/>).</param>
/// <param name="Warmup">Load runs but heartbeat latencies are not recorded (connections, JIT and caches settle).</param>
/// <param name="LinesPerSecond">Progress updates each worker streams per second.</param>
/// <param name="HeartbeatInterval">The conductor's <c>WorkerApi:HeartbeatInterval</c>; workers follow what their job spec says.</param>
/// <param name="Connections">HTTP/2 connections the workers share; 0: one per worker, as separate worker processes would have.</param>
internal sealed record LoadSettings(int Workers, TimeSpan Duration, TimeSpan Warmup, double LinesPerSecond, TimeSpan HeartbeatInterval, int Connections)
{
    /// <summary>The targets of issues #4 and #12: heartbeat p99 under 100 ms; conductor peak memory under 500 MB for up to 2,000 workers, 1 GiB for more.</summary>
    public static readonly TimeSpan HeartbeatP99Target = TimeSpan.FromMilliseconds(100);

    public long PeakMemoryTargetBytes => Workers <= 2000 ? 500L * 1000 * 1000 : 1L << 30;

    public int ConnectionCount => Connections <= 0 ? Workers : Math.Min(Connections, Workers);

    public void Validate()
    {
        var problems = new List<string>();
        if (Workers < 1)
        {
            problems.Add("--workers must be at least 1");
        }

        if (Duration <= TimeSpan.Zero || Warmup < TimeSpan.Zero || HeartbeatInterval <= TimeSpan.Zero)
        {
            problems.Add("--seconds and --heartbeat-seconds must be positive, --warmup-seconds not negative");
        }

        if (LinesPerSecond < 0)
        {
            problems.Add("--lines-per-second must not be negative");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }
}
