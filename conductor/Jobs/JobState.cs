namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// The life of a job: <c>pending -> launching -> launched -> connected -> running</c>, ending in one terminal state.
/// Stored as the snake_case names in <see cref="JobStates"/>.
/// </summary>
internal enum JobState
{
    Pending,
    Launching,
    Launched,
    Connected,
    Running,
    Succeeded,
    NoChanges,
    Failed,
    TimedOut,
    Cancelled,
    Lost,

    /// <summary>The run was stopped at its per-job spending cap; its work so far is pushed. Terminal, like the states above.</summary>
    BudgetExceeded,
}
