namespace AgentConductor.Conductor.Jobs;

/// <summary>What <see cref="JobCanceller.CancelAsync"/> did.</summary>
internal enum CancelOutcome
{
    /// <summary>The job was pending: it is cancelled.</summary>
    Cancelled,

    /// <summary>The job is active: its worker is asked to stop, and is stopped after <c>Reconcile:CancelGrace</c>.</summary>
    Requested,

    /// <summary>The job had already ended.</summary>
    AlreadyEnded,

    NotFound,
}
