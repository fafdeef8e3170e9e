namespace AgentConductor.Worker.Git;

/// <summary>The git operations a job needs, through the <c>git</c> CLI. The token reaches git only through the environment.</summary>
internal interface IGitWorkspace
{
    /// <summary>Clones <paramref name="baseBranch"/> of <paramref name="cloneUrl"/> into <paramref name="directory"/> (shallow by default).</summary>
    Task CloneAsync(string cloneUrl, string baseBranch, string directory, CancellationToken cancellationToken);

    /// <summary>Creates and checks out <paramref name="branch"/> from the current HEAD (the base).</summary>
    Task CreateBranchAsync(string directory, string branch, CancellationToken cancellationToken);

    /// <summary>Commits everything left uncommitted; the new HEAD sha, or null when there was nothing to commit.</summary>
    Task<string?> CommitAllAsync(string directory, string message, CancellationToken cancellationToken);

    /// <summary>True when HEAD differs from the base branch's commit; false means the job made no changes.</summary>
    Task<bool> HasChangesAgainstBaseAsync(string directory, string baseBranch, CancellationToken cancellationToken);

    /// <summary>Pushes <paramref name="branch"/> (an <c>agent/</c> branch only) with <c>--force-with-lease</c>; the pushed HEAD sha.</summary>
    Task<string> PushAsync(string directory, string branch, CancellationToken cancellationToken);

    Task<string> HeadAsync(string directory, CancellationToken cancellationToken);
}
