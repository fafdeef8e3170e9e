namespace AgentConductor.Conductor.Launching;

/// <summary>A started worker; <see cref="Reference"/> is what the launcher needs to find it again (kept in <c>jobs.launcher_ref</c>).</summary>
internal sealed record LaunchedWorker(string Reference)
{
    /// <summary>The resources the worker was given (what its compute is priced by); null when the launcher gives none (a local process).</summary>
    public WorkerSize? Size { get; init; }
}
