namespace AgentConductor.Worker.Git;

/// <summary>
/// One job's repository as the worker keeps it: the agent's working copy (<see cref="WorkingDirectory"/>, the agent's
/// to change, its <c>.git/config</c> included) and the worker's own bare repository (<see cref="GitDirectory"/>,
/// which the agent cannot reach), from which the push goes to <see cref="Remote"/> and nowhere else.
/// </summary>
internal sealed class GitCheckout(GitRemoteUrl remote, string baseBranch, string branch, string workingDirectory, string gitDirectory, string baseCommit)
{
    public GitRemoteUrl Remote { get; } = remote;

    public string BaseBranch { get; } = baseBranch;

    /// <summary>The agent's branch on the remote (<c>agent/...</c>).</summary>
    public string Branch { get; } = branch;

    public string WorkingDirectory { get; } = workingDirectory;

    public string GitDirectory { get; } = gitDirectory;

    /// <summary>The base branch's commit the agent started from, recorded before the agent ran.</summary>
    public string BaseCommit { get; } = baseCommit;

    /// <summary>
    /// Where <see cref="Branch"/> is on the remote, as the worker last saw or pushed it (null: it does not exist). The push
    /// leases against it: it replaces the job's own earlier work, never anyone else's.
    /// </summary>
    public string? RemoteBranchCommit { get; set; }

    /// <summary>
    /// The checkout continues a branch that exists on the remote (a follow-up's pull request), so others may push to it
    /// too: a push that finds it moved merges their commits in rather than fail (see <see cref="IGitWorkspace.PushAsync"/>).
    /// </summary>
    public bool ContinuesBranch { get; init; }
}
