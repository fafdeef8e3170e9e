using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;
using Microsoft.Extensions.Options;

namespace AgentConductor.Worker.Git;

/// <summary>
/// <see cref="IGitWorkspace"/> on the <c>git</c> CLI, one command at a time through <see cref="GitCli"/>. Everything
/// before the agent runs (clone, branch, base) happens while the working copy is still the worker's; everything after
/// treats it as the agent's: the safety-net commit runs as the agent's user, and its commits travel to the worker's own
/// repository as a pack (never by the worker reading the agent's configuration), from where the push goes to the URL.
/// </summary>
internal sealed class GitWorkspace(GitCli git, AgentAccount account, IOptions<GitOptions> options) : IGitWorkspace
{
    private const string BaseRef = "refs/agent-conductor/base";
    private const string HeadRef = "refs/agent-conductor/head";
    private const string RemoteRef = "refs/agent-conductor/remote";

    public async Task<GitCheckout> CheckOutAsync(
        string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        var remote = GitRemoteUrl.Parse(cloneUrl);
        var directory = Path.GetFullPath(workingDirectory);
        await CloneAsync(remote, baseBranch, directory, cancellationToken);
        await git.RunAsync(new GitCommand(directory, ["checkout", "--quiet", "-b", branch]), cancellationToken);
        var baseCommit = await ResolveAsync(directory, "HEAD", cancellationToken);
        var own = await CreateOwnRepositoryAsync(directory, gitDirectory, cancellationToken);

        // A rerun of the job finds its branch already pushed by the earlier attempt: the push may replace that, nothing else.
        var remoteCommit = await RemoteBranchAsync(own, remote, branch, cancellationToken);

        account.GiveToAgent(directory);
        return new GitCheckout(remote, baseBranch, branch, directory, own, baseCommit) { RemoteBranchCommit = remoteCommit };
    }

    public async Task<GitCheckout> CheckOutExistingAsync(
        string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        GitBranchNames.EnsureAgentBranch(branch); // only an agent's branch is continued (and pushed)
        var remote = GitRemoteUrl.Parse(cloneUrl);
        var directory = Path.GetFullPath(workingDirectory);
        await CloneAsync(remote, branch, directory, cancellationToken);
        var head = await ResolveAsync(directory, "HEAD", cancellationToken);
        var own = await CreateOwnRepositoryAsync(directory, gitDirectory, cancellationToken);
        account.GiveToAgent(directory);
        return new GitCheckout(remote, baseBranch, branch, directory, own, head) { RemoteBranchCommit = head, ContinuesBranch = true };
    }

    /// <summary>Clones <paramref name="branch"/> alone (depth from <see cref="GitOptions.CloneDepth"/>) into <paramref name="directory"/>.</summary>
    private async Task CloneAsync(GitRemoteUrl remote, string branch, string directory, CancellationToken cancellationToken)
    {
        var depth = options.Value.CloneDepth;
        List<string> clone = ["clone", "--quiet", "--no-tags", "--single-branch", "--branch=" + branch];
        if (depth > 0)
        {
            clone.Add("--depth=" + depth);
        }

        clone.AddRange(["--", remote.Url, directory]);
        await git.RunAsync(new GitCommand(null, clone) { Remote = remote }, cancellationToken);
    }

    /// <summary>The worker's own repository: the base now, the agent's commits later, the push from here.</summary>
    private async Task<string> CreateOwnRepositoryAsync(string workingDirectory, string gitDirectory, CancellationToken cancellationToken)
    {
        var own = Path.GetFullPath(gitDirectory);
        await git.RunAsync(new GitCommand(null, ["init", "--quiet", "--bare", own]), cancellationToken);
        await FetchAsync(own, workingDirectory, BaseRef, asAgent: false, cancellationToken);
        return own;
    }

    /// <summary>Where <paramref name="branch"/> is on the remote, or null when it does not exist.</summary>
    private async Task<string?> RemoteBranchAsync(string own, GitRemoteUrl remote, string branch, CancellationToken cancellationToken)
    {
        var existing = await git.RunAsync(
            new GitCommand(own, ["ls-remote", "--exit-code", "--heads", remote.Url, "refs/heads/" + branch]) { Remote = remote, AcceptedExitCodes = [0, 2] },
            cancellationToken);
        return existing.ExitCode == 0 ? existing.FirstLine.Split('\t')[0] : null;
    }

    public async Task<bool> CommitAllAsync(GitCheckout checkout, string message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        var directory = checkout.WorkingDirectory;
        await git.RunAsync(new GitCommand(directory, ["add", "--all"]) { InWorkspace = true }, cancellationToken);
        var staged = await git.RunAsync(
            new GitCommand(directory, ["diff", "--cached", "--quiet", "--no-ext-diff"]) { InWorkspace = true, AcceptedExitCodes = [0, 1] }, cancellationToken);
        if (staged.ExitCode == 0)
        {
            return false;
        }

        await git.RunAsync(
            new GitCommand(directory, ["commit", "--quiet", "--no-verify", "--file=-"]) { InWorkspace = true, Stdin = StdinSource.FromText(message) },
            cancellationToken);
        return true;
    }

    public async Task<string> CollectAsync(GitCheckout checkout, CancellationToken cancellationToken)
    {
        await FetchAsync(checkout.GitDirectory, checkout.WorkingDirectory, HeadRef, asAgent: true, cancellationToken);
        return await ResolveAsync(checkout.GitDirectory, HeadRef, cancellationToken);
    }

    public async Task<IReadOnlyList<string>> ChangedFilesAsync(GitCheckout checkout, string head, CancellationToken cancellationToken)
    {
        var output = await git.RunAsync(
            new GitCommand(
                checkout.GitDirectory,
                ["diff", "--name-only", "--no-renames", "--no-ext-diff", "--no-textconv", "-z", "--end-of-options", checkout.BaseCommit, head, "--"]),
            cancellationToken);
        return string.Join('\n', output.StandardOutput).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    public async Task PushAsync(GitCheckout checkout, string head, CancellationToken cancellationToken)
    {
        GitBranchNames.EnsureAgentBranch(checkout.Branch);
        var rejection = await TryPushAsync(checkout, checkout.Branch, head, checkout.RemoteBranchCommit, cancellationToken);
        if (rejection is null)
        {
            checkout.RemoteBranchCommit = head;
            return;
        }

        if (!checkout.ContinuesBranch || !rejection.Contains("stale info", StringComparison.Ordinal))
        {
            throw new GitCommandException("push", 1, rejection);
        }

        // Someone pushed to the pull request's branch while the agent worked: keep their commits, add the agent's on top.
        await git.RunAsync(
            new GitCommand(checkout.GitDirectory, ["fetch", "--quiet", "--no-tags", checkout.Remote.Url, $"+refs/heads/{checkout.Branch}:{RemoteRef}"]) { Remote = checkout.Remote },
            cancellationToken);
        var moved = await ResolveAsync(checkout.GitDirectory, RemoteRef, cancellationToken);
        var merged = await MergeAsync(checkout, moved, head, cancellationToken);
        if (merged is null)
        {
            var side = $"{checkout.Branch}-agent-{head[..12]}";
            var sideRejection = await TryPushAsync(checkout, side, head, "", cancellationToken);
            throw new GitBranchMovedException(checkout.Branch, moved, sideRejection is null ? side : null, "the merge has conflicts");
        }

        if (await TryPushAsync(checkout, checkout.Branch, merged, moved, cancellationToken) is { } again)
        {
            throw new GitCommandException("push", 1, $"{again} (after merging the commits that moved the branch to {moved})");
        }

        checkout.RemoteBranchCommit = merged;
    }

    /// <summary>
    /// One push of <paramref name="head"/> to <paramref name="branch"/>, leasing on <paramref name="lease"/> (null or "":
    /// the branch must not exist); null when it went through, else why the remote refused it (porcelain status).
    /// </summary>
    private async Task<string?> TryPushAsync(GitCheckout checkout, string branch, string head, string? lease, CancellationToken cancellationToken)
    {
        GitBranchNames.EnsureAgentBranch(branch);
        var target = "refs/heads/" + branch;
        var output = await git.RunAsync(
            new GitCommand(
                checkout.GitDirectory,
                ["push", "--quiet", "--porcelain", "--no-verify", $"--force-with-lease={target}:{lease}", checkout.Remote.Url, $"{head}:{target}"])
            {
                Remote = checkout.Remote,
                AcceptedExitCodes = [0, 1],
            },
            cancellationToken);
        if (output.ExitCode == 0)
        {
            return null;
        }

        // Porcelain: "!<TAB>from:to<TAB>[rejected] (stale info)" per refused ref; exit code 1 without one is another failure.
        var refused = output.StandardOutput.FirstOrDefault(line => line.StartsWith('!'));
        return refused is null
            ? throw new GitCommandException("push", 1, string.Join('\n', output.StandardOutput))
            : $"{target}: {refused.Split('\t').Last()}";
    }

    /// <summary>
    /// A merge commit of <paramref name="theirs"/> (first parent: what is on the branch) and the agent's
    /// <paramref name="head"/>, made in the worker's own repository without a working copy; null when they conflict.
    /// </summary>
    private async Task<string?> MergeAsync(GitCheckout checkout, string theirs, string head, CancellationToken cancellationToken)
    {
        var tree = await git.RunAsync(
            new GitCommand(checkout.GitDirectory, ["merge-tree", "--write-tree", "--no-messages", theirs, head]) { AcceptedExitCodes = [0, 1, 128] },
            cancellationToken);
        if (tree.ExitCode != 0)
        {
            return null;
        }

        var commit = await git.RunAsync(
            new GitCommand(checkout.GitDirectory, ["commit-tree", tree.FirstLine, "-p", theirs, "-p", head, "-F", "-"])
            {
                Stdin = StdinSource.FromText($"Merge the new commits of {checkout.Branch} into the agent's work\n\nThe branch moved to {theirs} while the agent worked; nothing of it is overwritten.\n"),
            },
            cancellationToken);
        return commit.FirstLine;
    }

    /// <summary>
    /// Fetches the working copy's HEAD into <paramref name="into"/> as <paramref name="reference"/>. The working copy
    /// answers through <c>git upload-pack</c> (as the agent's user once it is the agent's); the worker only receives a
    /// pack, which git checks as it would one from any remote.
    /// </summary>
    private async Task FetchAsync(string into, string workingDirectory, string reference, bool asAgent, CancellationToken cancellationToken)
    {
        var uploadPack = asAgent && account.User is { } user ? UserSwitch.CommandLine(user, "git", "upload-pack") : "git upload-pack";
        await git.RunAsync(
            new GitCommand(into, ["fetch", "--quiet", "--no-tags", "--update-shallow", "--upload-pack=" + uploadPack, workingDirectory, $"+HEAD:{reference}"])
            {
                Remote = GitRemoteUrl.LocalPath(workingDirectory),
            },
            cancellationToken);
    }

    private async Task<string> ResolveAsync(string directory, string revision, CancellationToken cancellationToken)
    {
        var output = await git.RunAsync(new GitCommand(directory, ["rev-parse", "--verify", "--end-of-options", revision + "^{commit}"]), cancellationToken);
        return output.FirstLine;
    }
}
