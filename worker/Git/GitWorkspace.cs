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

    public async Task<GitCheckout> CheckOutAsync(
        string cloneUrl, string baseBranch, string branch, string workingDirectory, string gitDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseBranch);
        ArgumentException.ThrowIfNullOrWhiteSpace(branch);
        var remote = GitRemoteUrl.Parse(cloneUrl);
        var directory = Path.GetFullPath(workingDirectory);
        var depth = options.Value.CloneDepth;
        List<string> clone = ["clone", "--quiet", "--no-tags", "--single-branch", "--branch=" + baseBranch];
        if (depth > 0)
        {
            clone.Add("--depth=" + depth);
        }

        clone.AddRange(["--", remote.Url, directory]);
        await git.RunAsync(new GitCommand(null, clone) { Remote = remote }, cancellationToken);
        await git.RunAsync(new GitCommand(directory, ["checkout", "--quiet", "-b", branch]), cancellationToken);
        var baseCommit = await ResolveAsync(directory, "HEAD", cancellationToken);

        // The worker's own repository: the base now, the agent's commits later, the push from here.
        var own = Path.GetFullPath(gitDirectory);
        await git.RunAsync(new GitCommand(null, ["init", "--quiet", "--bare", own]), cancellationToken);
        await FetchAsync(own, directory, BaseRef, asAgent: false, cancellationToken);

        // A rerun of the job finds its branch already pushed by the earlier attempt: the push may replace that, nothing else.
        var existing = await git.RunAsync(
            new GitCommand(own, ["ls-remote", "--exit-code", "--heads", remote.Url, "refs/heads/" + branch]) { Remote = remote, AcceptedExitCodes = [0, 2] },
            cancellationToken);
        var remoteCommit = existing.ExitCode == 0 ? existing.FirstLine.Split('\t')[0] : null;

        account.GiveToAgent(directory);
        return new GitCheckout(remote, baseBranch, branch, directory, own, baseCommit) { RemoteBranchCommit = remoteCommit };
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
        var target = "refs/heads/" + checkout.Branch;
        await git.RunAsync(
            new GitCommand(
                checkout.GitDirectory,
                ["push", "--quiet", "--no-verify", $"--force-with-lease={target}:{checkout.RemoteBranchCommit}", checkout.Remote.Url, $"{head}:{target}"])
            {
                Remote = checkout.Remote,
            },
            cancellationToken);
        checkout.RemoteBranchCommit = head;
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
