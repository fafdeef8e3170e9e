namespace AgentConductor.Worker.Git;

/// <summary>
/// The continued branch moved on the remote while the agent worked, and the new commits conflict with the agent's: nothing
/// was overwritten, and the agent's work was pushed to <see cref="SideBranch"/> instead (null when even that failed).
/// </summary>
internal sealed class GitBranchMovedException(string branch, string remoteCommit, string? sideBranch, string detail)
    : Exception($"{branch} moved on the remote to {remoteCommit} while the agent worked, and those commits conflict with the agent's ({detail}); "
        + (sideBranch is null ? "nothing was pushed" : $"nothing was overwritten: the agent's work is on {sideBranch}"))
{
    public string Branch { get; } = branch;

    public string RemoteCommit { get; } = remoteCommit;

    public string? SideBranch { get; } = sideBranch;
}
