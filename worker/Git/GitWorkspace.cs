using AgentConductor.Worker.Processes;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary><see cref="IGitWorkspace"/> on the <c>git</c> CLI, one command at a time through <see cref="GitCli"/>.</summary>
internal sealed class GitWorkspace(GitCli git, IOptions<GitOptions> options) : IGitWorkspace
{
    public async Task CloneAsync(string cloneUrl, string baseBranch, string directory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cloneUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var depth = options.Value.CloneDepth;
        List<string> arguments = ["clone", "--quiet", "--no-tags", "--single-branch", "--branch=" + baseBranch];
        if (depth > 0)
        {
            arguments.Add("--depth=" + depth);
        }

        arguments.AddRange(["--", cloneUrl, Path.GetFullPath(directory)]);
        await git.RunAsync(new GitCommand(null, arguments), cancellationToken);
    }

    public async Task CreateBranchAsync(string directory, string branch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        await git.RunAsync(new GitCommand(directory, ["checkout", "--quiet", "-b", branch]), cancellationToken);

        // A single-branch clone tracks only the base; tracking the new branch too makes each push record what it
        // pushed under origin/<branch>, which is what the next push's --force-with-lease compares against.
        await git.RunAsync(new GitCommand(directory, ["remote", "set-branches", "--add", "origin", branch]), cancellationToken);

        // A rerun of the job finds its branch already pushed by the earlier attempt. Fetching where it points gives the
        // lease something to compare against, so our push replaces our own earlier work but never someone else's.
        var existing = await git.RunAsync(
            new GitCommand(directory, ["ls-remote", "--exit-code", "--heads", "origin", "refs/heads/" + branch]) { AcceptedExitCodes = [0, 2] },
            cancellationToken);
        if (existing.ExitCode == 0)
        {
            await git.RunAsync(new GitCommand(directory, ["fetch", "--quiet", "--depth=1", "origin", $"+refs/heads/{branch}:refs/remotes/origin/{branch}"]), cancellationToken);
        }
    }

    public async Task<string?> CommitAllAsync(string directory, string message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        await git.RunAsync(new GitCommand(directory, ["add", "--all"]), cancellationToken);
        var staged = await git.RunAsync(new GitCommand(directory, ["diff", "--cached", "--quiet"]) { AcceptedExitCodes = [0, 1] }, cancellationToken);
        if (staged.ExitCode == 0)
        {
            return null;
        }

        var commit = new GitCommand(directory, ["commit", "--quiet", "--no-verify", "--file=-"]) { Stdin = StdinSource.FromText(message) };
        await git.RunAsync(commit, cancellationToken);
        return await HeadAsync(directory, cancellationToken);
    }

    public async Task<bool> HasChangesAgainstBaseAsync(string directory, string baseBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        var head = await HeadAsync(directory, cancellationToken);
        var @base = await ResolveCommitAsync(directory, $"refs/remotes/origin/{baseBranch}", cancellationToken);
        return !string.Equals(head, @base, StringComparison.Ordinal);
    }

    public async Task<IReadOnlyList<string>> ChangedFilesAsync(string directory, string baseBranch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        var output = await git.RunAsync(
            new GitCommand(directory, ["diff", "--name-only", "--no-renames", "-z", "--end-of-options", $"refs/remotes/origin/{baseBranch}", "HEAD", "--"]),
            cancellationToken);
        return string.Join('\n', output.StandardOutput).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task<string> PushAsync(string directory, string branch, CancellationToken cancellationToken)
    {
        GitBranchNames.EnsureAgentBranch(branch);
        var head = await HeadAsync(directory, cancellationToken);
        await git.RunAsync(
            new GitCommand(directory, ["push", "--quiet", "--no-verify", "--force-with-lease=" + branch, "origin", $"{head}:refs/heads/{branch}"]),
            cancellationToken);
        return head;
    }

    public Task<string> HeadAsync(string directory, CancellationToken cancellationToken) =>
        ResolveCommitAsync(directory, "HEAD", cancellationToken);

    private async Task<string> ResolveCommitAsync(string directory, string revision, CancellationToken cancellationToken)
    {
        var output = await git.RunAsync(new GitCommand(directory, ["rev-parse", "--verify", "--end-of-options", revision + "^{commit}"]), cancellationToken);
        return output.FirstLine;
    }
}
