namespace AgentConductor.Conductor.Jobs;

/// <summary>Why a pending job has not been launched yet (<see cref="Ready"/>: it goes on the next pass).</summary>
internal enum WaitReason
{
    Ready,
    ShutdownGate,
    Backoff,

    /// <summary>A follow-up still collecting triggers (<c>FollowUps:CoalesceWindow</c> after its last one).</summary>
    Coalescing,

    /// <summary>An earlier follow-up of the same pull request is active or waiting: they run one at a time, in order.</summary>
    PreviousFollowUp,
    MaxActive,
    MaxActivePerAccount,
    MaxActivePerProject,
    RepositoryClaimed,
    NoRoute,

    /// <summary>A daily spending cap (<c>Budget:DailyCost*</c>) is reached for today (UTC).</summary>
    Budget,
}
