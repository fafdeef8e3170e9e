using AgentConductor.Worker.Git;

namespace AgentConductor.Worker.Tests.Git;

/// <summary>
/// A follow-up's git work against a real bare remote: it continues the pull request's existing branch, adds its commits on
/// top, and never overwrites what a reviewer pushed meanwhile (their commits are merged in, or on a conflict the agent's
/// work goes to a branch beside it).
/// </summary>
public sealed class GitWorkspaceFollowUpTests
{
    private const string Branch = "agent/job-1/fix-refunds";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckOutExistingAsync_ThePullRequestsBranch_ChecksItOutWithItsCommitAsBaseAndLease()
    {
        await using var harness = await WithPullRequestBranchAsync();
        var branchHead = await harness.Remote.BranchShaAsync(Branch, Ct);

        var checkout = await harness.CheckOutExistingAsync(Branch, Ct);

        Assert.Equal((branchHead, branchHead, true), (checkout.BaseCommit, checkout.RemoteBranchCommit, checkout.ContinuesBranch));
        Assert.Equal(Branch, await GitRemote.RunAsync(harness.WorkDirectory, Ct, "rev-parse", "--abbrev-ref", "HEAD"));
        Assert.Equal(branchHead, await GitRemote.RunAsync(harness.WorkDirectory, Ct, "rev-parse", "HEAD"));
        Assert.Equal("first run\n", await File.ReadAllTextAsync(Path.Combine(harness.WorkDirectory, "fix.txt"), Ct));
        Assert.Contains(harness.Recorder.Specs, s => s.Arguments.Contains("clone") && s.Arguments.Contains("--branch=" + Branch));
    }

    [Fact]
    public async Task CheckOutExistingAsync_BranchNoLongerOnTheRemote_FailsNamingIt()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Ct);

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.CheckOutExistingAsync("agent/job-1/deleted", Ct));

        Assert.Equal("clone", error.Subcommand);
        Assert.Contains("agent/job-1/deleted", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("main")]
    [InlineData("agent/x:refs/heads/main")]
    public async Task CheckOutExistingAsync_NotAnAgentBranch_RefusedWithoutRunningGit(string branch)
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Ct);

        await Assert.ThrowsAsync<ArgumentException>(() => harness.CheckOutExistingAsync(branch, Ct));

        Assert.Empty(harness.Recorder.Specs);
    }

    [Fact]
    public async Task PushAsync_ContinuedBranch_AddsTheAgentsCommitOnTopOfIt()
    {
        await using var harness = await WithPullRequestBranchAsync();
        var before = await harness.Remote.BranchShaAsync(Branch, Ct);
        await harness.CheckOutExistingAsync(Branch, Ct);
        await harness.WriteFileAsync("fix.txt", "reviewed\n", Ct);

        var pushed = await harness.CommitCollectAndPushAsync(Ct);

        Assert.Equal(pushed, await harness.Remote.BranchShaAsync(Branch, Ct));
        Assert.Equal(before, await GitRemote.RunAsync(harness.Remote.BarePath, Ct, "rev-parse", pushed + "^"));
        Assert.Contains($"--force-with-lease=refs/heads/{Branch}:{before}", harness.Recorder.Specs.Last().Arguments);
        Assert.Equal(pushed, harness.Checkout.RemoteBranchCommit);
    }

    [Fact]
    public async Task PushAsync_ReviewerPushedMeanwhile_MergesTheirCommitInAndOverwritesNothing()
    {
        await using var harness = await WithPullRequestBranchAsync();
        await harness.CheckOutExistingAsync(Branch, Ct);
        await harness.WriteFileAsync("fix.txt", "reviewed\n", Ct);
        var reviewer = await harness.Remote.PushCommitAsync(Branch, "docs.md", "the reviewer's note\n", Ct);

        var agent = await harness.CommitCollectAndPushAsync(Ct);

        var remoteHead = await harness.Remote.BranchShaAsync(Branch, Ct);
        Assert.Equal(remoteHead, harness.Checkout.RemoteBranchCommit);
        Assert.Equal($"{remoteHead} {reviewer} {agent}", await GitRemote.RunAsync(harness.Remote.BarePath, Ct, "rev-list", "--parents", "-n", "1", remoteHead!));
        Assert.Equal("the reviewer's note\n", await GitRemote.RunAsync(harness.Remote.BarePath, Ct, "show", $"{remoteHead}:docs.md") + "\n");
        Assert.Equal("reviewed", await GitRemote.RunAsync(harness.Remote.BarePath, Ct, "show", $"{remoteHead}:fix.txt"));
    }

    [Fact]
    public async Task PushAsync_ReviewerCommitConflictsWithTheAgents_BranchLeftAsTheReviewerLeftItAndTheWorkPushedBeside()
    {
        await using var harness = await WithPullRequestBranchAsync();
        await harness.CheckOutExistingAsync(Branch, Ct);
        await harness.WriteFileAsync("fix.txt", "the agent's version\n", Ct);
        var reviewer = await harness.Remote.PushCommitAsync(Branch, "fix.txt", "the reviewer's version\n", Ct);
        await harness.Workspace.CommitAllAsync(harness.Checkout, "Follow-up", Ct);
        var agent = await harness.Workspace.CollectAsync(harness.Checkout, Ct);

        var error = await Assert.ThrowsAsync<GitBranchMovedException>(() => harness.Workspace.PushAsync(harness.Checkout, agent, Ct));

        Assert.Equal(reviewer, await harness.Remote.BranchShaAsync(Branch, Ct));
        Assert.Equal($"{Branch}-agent-{agent[..12]}", error.SideBranch);
        Assert.Equal(agent, await harness.Remote.BranchShaAsync(error.SideBranch!, Ct));
        Assert.Contains("conflict", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.SideBranch!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushAsync_NewBranchThatSomeoneElseCreated_StillRefusedAsBefore()
    {
        // A ticket's branch (not a continued one) keeps the old rule: a moved branch fails the push, nothing is merged.
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Ct);
        await harness.CheckOutAsync(Branch, Ct);
        await harness.WriteFileAsync("new.txt", "new\n", Ct);
        await harness.Remote.PushForeignCommitAsync("main", Ct);
        await GitRemote.RunAsync(harness.Remote.BarePath, Ct, "branch", Branch, "main");
        var foreign = await harness.Remote.BranchShaAsync(Branch, Ct);

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.CommitCollectAndPushAsync(Ct));

        Assert.Contains("stale info", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(foreign, await harness.Remote.BranchShaAsync(Branch, Ct));
    }

    /// <summary>A remote with the pull request's branch, as the ticket's job pushed it (one commit adding fix.txt on main).</summary>
    private static async Task<GitHarness> WithPullRequestBranchAsync()
    {
        var harness = await new GitHarness().WithRemoteAsync(commits: 1, Ct);
        await harness.CheckOutAsync(Branch, Ct);
        await harness.WriteFileAsync("fix.txt", "first run\n", Ct);
        await harness.CommitCollectAndPushAsync(Ct);
        return harness;
    }
}
