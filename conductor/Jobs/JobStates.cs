namespace AgentConductor.Conductor.Jobs;

/// <summary>Names as stored in the database, the transition table, and which states are terminal.</summary>
internal static class JobStates
{
    private static readonly Dictionary<JobState, JobState[]> Allowed = new()
    {
        [JobState.Pending] = [JobState.Launching, JobState.Cancelled, JobState.Failed],
        [JobState.Launching] = [JobState.Launched, JobState.Pending, JobState.Failed, JobState.Cancelled],
        [JobState.Launched] = [JobState.Connected, JobState.Lost, JobState.Failed, JobState.Cancelled, JobState.TimedOut],
        [JobState.Connected] = [JobState.Running, JobState.Lost, JobState.Failed, JobState.Cancelled, JobState.TimedOut, JobState.Succeeded, JobState.NoChanges, JobState.BudgetExceeded],
        [JobState.Running] = [JobState.Succeeded, JobState.NoChanges, JobState.Failed, JobState.TimedOut, JobState.Cancelled, JobState.Lost, JobState.BudgetExceeded],

        // The reconciler retries a job whose worker was lost before it ran: the same row becomes the next attempt.
        [JobState.Lost] = [JobState.Pending],
    };

    /// <summary>States in which a worker may be running (or about to): the ones that hold the shutdown gate.</summary>
    public static IReadOnlyList<JobState> Active { get; } = [JobState.Launching, JobState.Launched, JobState.Connected, JobState.Running];

    public static bool IsTerminal(JobState state) => state >= JobState.Succeeded;

    /// <summary>States in which a launched worker holds compute: ending from one of them ends an attempt that is paid for.</summary>
    public static bool HasWorker(JobState state) => state is JobState.Launched or JobState.Connected or JobState.Running;

    public static bool CanMove(JobState from, JobState to) =>
        Allowed.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    public static string ToName(JobState state) => state switch
    {
        JobState.Pending => "pending",
        JobState.Launching => "launching",
        JobState.Launched => "launched",
        JobState.Connected => "connected",
        JobState.Running => "running",
        JobState.Succeeded => "succeeded",
        JobState.NoChanges => "no_changes",
        JobState.Failed => "failed",
        JobState.TimedOut => "timed_out",
        JobState.Cancelled => "cancelled",
        JobState.Lost => "lost",
        JobState.BudgetExceeded => "budget_exceeded",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    public static JobState Parse(string name) => name switch
    {
        "pending" => JobState.Pending,
        "launching" => JobState.Launching,
        "launched" => JobState.Launched,
        "connected" => JobState.Connected,
        "running" => JobState.Running,
        "succeeded" => JobState.Succeeded,
        "no_changes" => JobState.NoChanges,
        "failed" => JobState.Failed,
        "timed_out" => JobState.TimedOut,
        "cancelled" => JobState.Cancelled,
        "lost" => JobState.Lost,
        "budget_exceeded" => JobState.BudgetExceeded,
        _ => throw new FormatException($"Unknown job state '{name}'."),
    };
}
