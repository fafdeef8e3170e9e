using AgentConductor.Worker.Git;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitWorkspacePushTests
{
    private const string Branch = "agent/job-1/fix-the-bug";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PushAsync_NewBranch_CreatesItInTheRemoteAtHead()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        var committed = await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "Safety net", Token);

        var pushed = await harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token);

        Assert.Equal(committed, pushed);
        Assert.Equal(pushed, await harness.Remote.BranchShaAsync(Branch, Token));
        Assert.Contains(harness.Recorder.Specs.Last().Arguments, a => a == "--force-with-lease=" + Branch);
    }

    [Fact]
    public async Task PushAsync_AfterRewritingThePushedBranch_ForcesWithLease()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first\n", Token);
        await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "First attempt", Token);
        var first = await harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token);
        await harness.WriteFileAsync("new.txt", "second\n", Token);
        await harness.GitAsync(Token, "commit", "--quiet", "--all", "--amend", "-m", "Rewritten");

        var second = await harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token);

        Assert.NotEqual(first, second);
        Assert.Equal(second, await harness.Remote.BranchShaAsync(Branch, Token));
    }

    [Fact]
    public async Task PushAsync_RerunFromAFreshClone_ReplacesTheEarlierAttemptsBranch()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first attempt\n", Token);
        await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "First attempt", Token);
        var first = await harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token);
        Directory.Delete(harness.WorkDirectory, recursive: true); // the rerun's worker starts from a fresh clone
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "second attempt\n", Token);
        await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "Second attempt", Token);

        var second = await harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token);

        Assert.NotEqual(first, second);
        Assert.Equal(second, await harness.Remote.BranchShaAsync(Branch, Token));
    }

    [Fact]
    public async Task PushAsync_SomeoneElseMovedTheBranch_RefusesToOverwriteIt()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first\n", Token);
        await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "First attempt", Token);
        await harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token);
        await harness.Remote.PushForeignCommitAsync(Branch, Token);
        var foreign = await harness.Remote.BranchShaAsync(Branch, Token);
        await harness.GitAsync(Token, "commit", "--quiet", "--amend", "-m", "Rewritten");

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.Workspace.PushAsync(harness.WorkDirectory, Branch, Token));

        Assert.Equal("push", error.Subcommand);
        Assert.Contains("stale info", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(foreign, await harness.Remote.BranchShaAsync(Branch, Token));
    }

    [Theory]
    [InlineData("main")]
    [InlineData("feature/agent/x")]
    [InlineData("agent/")]
    [InlineData("agent/x:refs/heads/main")]
    [InlineData("agent/x..y")]
    [InlineData("agent/x y")]
    public async Task PushAsync_NotAnAgentBranch_RefusesWithoutRunningGit(string branch)
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        var commandsBefore = harness.Recorder.Specs.Count;

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Workspace.PushAsync(harness.WorkDirectory, branch, Token));

        Assert.Equal(commandsBefore, harness.Recorder.Specs.Count);
        Assert.Equal("refs/heads/main", await GitRemote.RunAsync(harness.Remote.BarePath, Token, "for-each-ref", "--format=%(refname)"));
    }
}
