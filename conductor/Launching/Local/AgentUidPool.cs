namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// A uid of its own for each running local worker's agent (<c>Agent:RunAs</c>), so that concurrent jobs' agents cannot
/// read each other's files, environments (the model proxy's token among them) or signal each other's processes. The
/// lowest uid from <see cref="LocalLauncherOptions.AgentUidBase"/> up that no worker of this launcher holds and no
/// process on the machine runs as (a worker adopted after a restart, another conductor's agent) is taken. The machine's
/// uids are read at most every <see cref="ScanInterval"/>: a burst of launches (thousands of workers) must not read every
/// process's status for each one, and this launcher's own workers are known without it.
/// </summary>
internal sealed class AgentUidPool(int first, TimeProvider time)
{
    public static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, int> _held = new(StringComparer.Ordinal);
    private readonly HashSet<int> _taken = [];
    private readonly Lock _lock = new();
    private HashSet<int> _running = [];
    private long? _scannedAt;

    /// <summary>The uid for the job's agent; the job's own if it holds one already.</summary>
    public int Take(string jobId)
    {
        lock (_lock)
        {
            if (_held.TryGetValue(jobId, out var held))
            {
                return held;
            }

            if (_scannedAt is not { } scanned || time.GetElapsedTime(scanned) >= ScanInterval)
            {
                _running = ProcessControl.RunningUids();
                _scannedAt = time.GetTimestamp();
            }

            var uid = first;
            while (_taken.Contains(uid) || _running.Contains(uid))
            {
                uid++;
            }

            _held[jobId] = uid;
            _taken.Add(uid);
            return uid;
        }
    }

    /// <summary>The job's worker has exited: its uid is free again.</summary>
    public void Release(string jobId)
    {
        lock (_lock)
        {
            if (_held.Remove(jobId, out var uid))
            {
                _taken.Remove(uid);
            }
        }
    }
}
