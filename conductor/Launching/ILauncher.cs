namespace AgentConductor.Conductor.Launching;

/// <summary>
/// Starts and stops workers (a local process, a Docker container, an ECS task). A job has at most one worker: a launch
/// replaces a worker of the same job that still runs, since every launch carries a fresh token and that worker holds a
/// revoked one (it could never connect).
/// </summary>
internal interface ILauncher
{
    /// <summary>Starts the worker; throws <see cref="LaunchException"/> saying whether trying again may help.</summary>
    Task<LaunchedWorker> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken);

    Task<WorkerStatus> GetStatusAsync(string reference, CancellationToken cancellationToken);

    /// <summary>
    /// The status of each worker in <paramref name="references"/>, in as few calls as the launcher's API allows. A worker
    /// it could not ask about (a throttled call) is in <see cref="WorkerStatuses.Failures"/>, never guessed; only the
    /// caller's cancellation throws.
    /// </summary>
    Task<WorkerStatuses> GetStatusesAsync(IReadOnlyCollection<string> references, CancellationToken cancellationToken);

    /// <summary>Asks the worker to stop (interrupt), waits up to <paramref name="grace"/>, then kills it.</summary>
    Task StopAsync(string reference, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>Workers this launcher knows of, including ones started before a conductor restart.</summary>
    Task<IReadOnlyList<KnownWorker>> ListAsync(CancellationToken cancellationToken);
}
