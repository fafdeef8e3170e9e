namespace AgentConductor.Worker.Tests.Git;

public sealed class GitWorkspaceCommitTests
{
    private const string Branch = "agent/job-1/fix-the-bug";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateBranchAsync_AfterClone_ChecksOutTheBranchAtTheBaseCommit()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 2, Token);

        await harness.CloneAndBranchAsync(Branch, Token);

        Assert.Equal(Branch, await harness.GitAsync(Token, "symbolic-ref", "--short", "HEAD"));
        Assert.Equal(await harness.Remote.BranchShaAsync("main", Token), await harness.Workspace.HeadAsync(harness.WorkDirectory, Token));
    }

    [Fact]
    public async Task CommitAllAsync_UncommittedFiles_CommitsEverythingWithTheConfiguredIdentity()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        File.Delete(Path.Combine(harness.WorkDirectory, "README.md"));

        var sha = await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "Agent work for job-1\n\nSafety net.", Token);

        Assert.NotNull(sha);
        Assert.Equal(sha, await harness.GitAsync(Token, "rev-parse", "HEAD"));
        Assert.Equal("", await harness.GitAsync(Token, "status", "--porcelain"));
        Assert.Equal("Agent Conductor <agent-conductor@users.noreply.github.com>|Agent work for job-1", await harness.GitAsync(Token, "log", "-1", "--format=%an <%ae>|%s"));
        Assert.Equal("D\tREADME.md\nA\tnew.txt", await harness.GitAsync(Token, "diff", "--name-status", "HEAD~1", "HEAD"));
    }

    [Fact]
    public async Task CommitAllAsync_CleanWorkingCopy_ReturnsNullAndCommitsNothing()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        var before = await harness.Workspace.HeadAsync(harness.WorkDirectory, Token);

        var sha = await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "Nothing to see", Token);

        Assert.Null(sha);
        Assert.Equal(before, await harness.Workspace.HeadAsync(harness.WorkDirectory, Token));
    }

    [Fact]
    public async Task CommitAllAsync_AgentsPreCommitHookFails_StillCommits()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        var hook = Path.Combine(harness.WorkDirectory, ".git", "hooks", "pre-commit");
        await File.WriteAllTextAsync(hook, "#!/bin/sh\nexit 1\n", Token);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await harness.WriteFileAsync("new.txt", "new\n", Token);

        var sha = await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "Safety net", Token);

        Assert.NotNull(sha);
    }

    [Fact]
    public async Task HasChangesAgainstBaseAsync_FreshBranch_ReturnsFalse()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);

        Assert.False(await harness.Workspace.HasChangesAgainstBaseAsync(harness.WorkDirectory, "main", Token));
    }

    [Fact]
    public async Task HasChangesAgainstBaseAsync_AfterACommit_ReturnsTrue()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        await harness.GitAsync(Token, "add", "new.txt");
        await harness.GitAsync(Token, "commit", "--quiet", "-m", "The agent's own commit");

        Assert.True(await harness.Workspace.HasChangesAgainstBaseAsync(harness.WorkDirectory, "main", Token));
    }
}
