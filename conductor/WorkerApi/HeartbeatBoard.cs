using System.Collections.Concurrent;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// The running jobs whose heartbeats are answered from memory: each job's token hash and cancel state as last read from
/// the database, and its newest heartbeat not yet written. <see cref="HeartbeatFlusher"/> writes the heartbeats every
/// <see cref="WorkerApiOptions.HeartbeatFlushInterval"/> in one transaction and refreshes the rest from the database.
/// </summary>
/// <remarks>
/// A heartbeat is a few bytes of state, but waiting for a group commit put it behind thousands of progress rows a second.
/// Only jobs already <c>running</c> are here: the heartbeat that moves a job <c>connected -> running</c>, unknown jobs and
/// wrong tokens take the durable path. The reconciler reads <c>last_seen_at</c> from the database, so it sees a heartbeat
/// up to one flush interval late; with a flush every second and <c>Reconcile:HeartbeatTimeout</c> in minutes that cannot
/// make a live worker look lost.
/// </remarks>
internal sealed class HeartbeatBoard
{
    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    /// <summary>
    /// Records a heartbeat of a job on the board whose token is <paramref name="token"/>; returns its cancel state, or
    /// null (nothing recorded) when the job is not on the board or the token is not its token.
    /// </summary>
    public CancelState? TryRecord(string jobId, string token, string phase, string step, DateTimeOffset at) =>
        _jobs.TryGetValue(jobId, out var entry) && JobTokens.Matches(token, entry.TokenHash)
            ? entry.Record(new PendingHeartbeat(jobId, entry.TokenHash, phase, step, at))
            : null;

    /// <summary>Puts a job the database has just shown <c>running</c> on the board (or refreshes its cancel state).</summary>
    public void Track(string jobId, byte[] tokenHash, CancelState cancel) =>
        _jobs.AddOrUpdate(
            jobId,
            _ => new Entry(tokenHash, cancel),
            (_, existing) => existing.TokenHash.AsSpan().SequenceEqual(tokenHash) ? existing.SetCancel(cancel) : new Entry(tokenHash, cancel));

    public void Evict(string jobId) => _jobs.TryRemove(jobId, out _);

    /// <summary>Takes the heartbeats recorded since the last call, and lists the jobs on the board with the token each is known by.</summary>
    public (List<PendingHeartbeat> Heartbeats, List<(string JobId, byte[] TokenHash)> Jobs) TakePending()
    {
        var heartbeats = new List<PendingHeartbeat>();
        var jobs = new List<(string, byte[])>();
        foreach (var (jobId, entry) in _jobs)
        {
            jobs.Add((jobId, entry.TokenHash));
            if (entry.TakePending() is { } pending)
            {
                heartbeats.Add(pending);
            }
        }

        return (heartbeats, jobs);
    }

    /// <summary>Applies what the database says of a job listed by <see cref="TakePending"/>: refreshes its cancel state, or evicts it.</summary>
    public void Refresh(string jobId, byte[] tokenHash, BoardedJobState? state)
    {
        if (!_jobs.TryGetValue(jobId, out var entry) || !entry.TokenHash.AsSpan().SequenceEqual(tokenHash))
        {
            return;
        }

        if (state is { Running: true } current && current.TokenHash.AsSpan().SequenceEqual(tokenHash))
        {
            entry.SetCancel(current.Cancel);
        }
        else
        {
            // Ended, relaunched or gone: its next heartbeat takes the durable path and gets the error that says why.
            _jobs.TryRemove(new KeyValuePair<string, Entry>(jobId, entry));
        }
    }

    private sealed class Entry(byte[] tokenHash, CancelState cancel)
    {
        private readonly Lock _gate = new();
        private CancelState _cancel = cancel;
        private PendingHeartbeat? _pending;

        public byte[] TokenHash { get; } = tokenHash;

        public CancelState Record(PendingHeartbeat heartbeat)
        {
            lock (_gate)
            {
                _pending = heartbeat;
                return _cancel;
            }
        }

        public PendingHeartbeat? TakePending()
        {
            lock (_gate)
            {
                var pending = _pending;
                _pending = null;
                return pending;
            }
        }

        public Entry SetCancel(CancelState cancel)
        {
            lock (_gate)
            {
                _cancel = cancel;
            }

            return this;
        }
    }
}
