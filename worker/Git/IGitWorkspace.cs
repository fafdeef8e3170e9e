namespace AgentConductor.Worker.Git;

/// <summary>The git operations of one job's working copy, on the <c>git</c> CLI.</summary>
internal interface IGitWorkspace
{
    /// <summary>Clones <paramref name="baseBranch"/> of <paramref name="cloneUrl"/> into <paramref name="directory"/>
    /// (shallow: depth from <see cref="GitOptions.CloneDepth"/>; 0 = full history).</summary>
    Task CloneAsync(string cloneUrl, string baseBranch, string directory, CancellationToken cancellationToken);

    /// <summary>Creates and checks out <paramref name="branch"/> from the current HEAD (the base).</summary>
    Task CreateBranchAsync(string directory, string branch, CancellationToken cancellationToken);

    /// <summary>Safety-net commit of everything the agent left uncommitted (<c>git add -A</c>, then a commit with the
    /// configured identity); returns the new HEAD sha, or null when there was nothing to commit.</summary>
    Task<string?> CommitAllAsync(string directory, string message, CancellationToken cancellationToken);

    /// <summary>True when HEAD differs from the base branch's commit (the agent committed or we did); false = no_changes.</summary>
    Task<bool> HasChangesAgainstBaseAsync(string directory, string baseBranch, CancellationToken cancellationToken);

    /// <summary>
    /// The paths (relative to the repository, '/'-separated) that differ between the base branch and HEAD: after the
    /// safety-net commit, every file the agent changed, however it changed it (a patch, a shell command, its own commit).
    /// </summary>
    Task<IReadOnlyList<string>> ChangedFilesAsync(string directory, string baseBranch, CancellationToken cancellationToken);

    /// <summary>Pushes <paramref name="branch"/> to origin with <c>--force-with-lease</c>; only names starting with
    /// <c>agent/</c> are pushed. Returns the pushed HEAD sha.</summary>
    Task<string> PushAsync(string directory, string branch, CancellationToken cancellationToken);

    Task<string> HeadAsync(string directory, CancellationToken cancellationToken);
}
