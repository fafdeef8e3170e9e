namespace AgentConductor.Worker.Git;

/// <summary>The git work of one job on the <c>git</c> CLI: a working copy for the agent, a push that only the worker makes.</summary>
internal interface IGitWorkspace
{
    /// <summary>
    /// Clones <paramref name="baseBranch"/> of <paramref name="cloneUrl"/> into <paramref name="workingDirectory"/>
    /// (depth from <see cref="GitOptions.CloneDepth"/>; 0 = full history), creates and checks out
    /// <paramref name="branch"/>, records the base commit in the worker's own bare repository
    /// <paramref name="gitDirectory"/>, learns where <paramref name="branch"/> is on the remote (the push's lease), then
    /// hands the working copy to the agent's user.
    /// </summary>
    Task<GitCheckout> CheckOutAsync(string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken);

    /// <summary>
    /// Clones the existing <paramref name="branch"/> of <paramref name="cloneUrl"/> (a pull request's branch, which a
    /// follow-up continues) into <paramref name="workingDirectory"/> with that branch checked out; its commit as cloned is
    /// both the base (what the agent changed is measured from it) and the push's lease. Then as <see cref="CheckOutAsync"/>.
    /// </summary>
    /// <exception cref="GitCommandException">The branch does not exist on the remote (any more), or the clone failed.</exception>
    Task<GitCheckout> CheckOutExistingAsync(string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken);

    /// <summary>Safety-net commit of everything the agent left uncommitted (<c>git add -A</c>, then a commit with the
    /// configured identity), run as the agent's user; false when there was nothing to commit.</summary>
    Task<bool> CommitAllAsync(GitCheckout checkout, string message, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the working copy's HEAD (and the objects it needs) into the worker's own repository and returns its sha;
    /// git's upload side runs as the agent's user in the working copy, the receiving side as the worker in its own.
    /// </summary>
    Task<string> CollectAsync(GitCheckout checkout, CancellationToken cancellationToken);

    /// <summary>
    /// The paths (relative to the repository, '/'-separated) that differ between the base commit and <paramref name="head"/>:
    /// every file the agent changed, however it changed it (a patch, a shell command, its own commit).
    /// </summary>
    Task<IReadOnlyList<string>> ChangedFilesAsync(GitCheckout checkout, string head, CancellationToken cancellationToken);

    /// <summary>
    /// Pushes <paramref name="head"/> from the worker's own repository to the branch on the clone URL itself (never a
    /// configured remote) with <c>--force-with-lease</c> against <see cref="GitCheckout.RemoteBranchCommit"/>; only
    /// branches named <c>agent/...</c> are pushed. Afterwards <see cref="GitCheckout.RemoteBranchCommit"/> is the commit the
    /// branch now points at. A continued branch (<see cref="GitCheckout.ContinuesBranch"/>) that someone else moved meanwhile
    /// is never overwritten: their commits are fetched and merged with the agent's (a merge commit made in the worker's own
    /// repository, which is what is pushed); when the two conflict, the agent's work is pushed to a branch of its own
    /// beside it and <see cref="GitBranchMovedException"/> says where.
    /// </summary>
    Task PushAsync(GitCheckout checkout, string head, CancellationToken cancellationToken);
}
