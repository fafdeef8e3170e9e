namespace AgentConductor.Conductor.Jobs;

/// <summary>Why a pending job has not been launched yet (<see cref="Ready"/>: it goes on the next pass).</summary>
internal enum WaitReason
{
    Ready,
    ShutdownGate,
    Backoff,
    MaxActive,
    MaxActivePerAccount,
    MaxActivePerProject,
    RepositoryClaimed,
    NoRoute,

    /// <summary>A daily spending cap (<c>Budget:DailyCost*</c>) is reached for today (UTC).</summary>
    Budget,
}
