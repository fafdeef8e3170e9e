namespace AgentConductor.Worker.Run;

/// <summary>
/// The worker's exit codes. The conductor reads them (e.g. the ECS container exit code) when a worker could not
/// report its result; anything else (a signal, 137, 139) means the process was killed or crashed.
/// </summary>
internal static class WorkerExitCodes
{
    public const int Succeeded = 0;
    public const int InvalidConfiguration = 2;
    public const int NoChanges = 10;
    public const int AgentFailed = 20;
    public const int AgentTimedOut = 21;

    /// <summary>The model proxy stopped the run at the job's budget; the work so far is pushed (see <c>Budget/JobBudgetGate.cs</c>).</summary>
    public const int BudgetExceeded = 22;

    public const int GitFailed = 30;
    public const int GitHubFailed = 31;
    public const int TaskFilesInvalid = 32;
    public const int ConductorUnreachable = 40;
    public const int ConductorRejected = 41;
    public const int Cancelled = 50;
    public const int Crashed = 70;
}
