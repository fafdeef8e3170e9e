using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitWorkspaceCommitTests
{
    private const string Branch = "agent/job-1/fix-the-bug";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CommitAllAsync_UncommittedFiles_CommitsEverythingWithTheConfiguredIdentityAsTheAgent()
    {
        await using var harness = await new GitHarness(GitHarness.Token).WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        File.Delete(Path.Combine(harness.WorkDirectory, "README.md"));
        var before = harness.Recorder.Specs.Count;

        var committed = await harness.Workspace.CommitAllAsync(harness.Checkout, "Agent work for job-1\n\nSafety net.", Token);

        Assert.True(committed);
        Assert.Equal("", await harness.GitAsync(Token, "status", "--porcelain"));
        Assert.Equal("Agent Conductor <agent-conductor@users.noreply.github.com>|Agent work for job-1", await harness.GitAsync(Token, "log", "-1", "--format=%an <%ae>|%s"));
        Assert.Equal("D\tREADME.md\nA\tnew.txt", await harness.GitAsync(Token, "diff", "--name-status", "HEAD~1", "HEAD"));
        // The workspace commands ran as the agent's user, with nothing of the worker's in their environment.
        Assert.All(harness.Recorder.Specs.Skip(before), spec =>
        {
            Assert.Equal(harness.Account.User, spec.RunAs);
            Assert.False(spec.InheritEnvironment);
            Assert.DoesNotContain(spec.Environment.Values, v => v?.Contains(GitHarness.Token, StringComparison.Ordinal) == true);
        });
    }

    [Fact]
    public async Task CommitAllAsync_CleanWorkingCopy_ReturnsFalseAndCommitsNothing()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);

        Assert.False(await harness.Workspace.CommitAllAsync(checkout, "Nothing to see", Token));
        Assert.Equal(checkout.BaseCommit, await harness.GitAsync(Token, "rev-parse", "HEAD"));
    }

    [Fact]
    public async Task CommitAllAsync_AgentsPreCommitHookFails_StillCommits()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync(".git/hooks/pre-commit", "#!/bin/sh\nexit 1\n", Token);
        AgentConductor.Worker.Processes.UnixFiles.SetMode(Path.Combine(harness.WorkDirectory, ".git/hooks/pre-commit"), (UnixFileMode)0b111_101_101);
        await harness.WriteFileAsync("new.txt", "new\n", Token);

        Assert.True(await harness.Workspace.CommitAllAsync(harness.Checkout, "Safety net", Token));
    }

    [Fact]
    public async Task CollectAsync_FreshBranch_IsTheBase()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);

        Assert.Equal(checkout.BaseCommit, await harness.Workspace.CollectAsync(checkout, Token));
    }

    [Fact]
    public async Task CollectAsync_AfterTheAgentsOwnCommit_IsThatCommitInTheWorkersRepository()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        await harness.GitAsync(Token, "add", "new.txt");
        await harness.GitAsync(Token, "commit", "--quiet", "-m", "The agent's own commit");
        var agentsHead = await harness.GitAsync(Token, "rev-parse", "HEAD");

        var head = await harness.Workspace.CollectAsync(checkout, Token);

        Assert.Equal(agentsHead, head);
        Assert.Equal("new\n", await GitRemote.RunAsync(harness.GitDirectory, Token, "show", head + ":new.txt") + "\n");
    }

    [Fact]
    public async Task CollectAsync_Separated_TheWorkingCopyAnswersAsTheAgent()
    {
        AgentUsers.RequireSeparation();
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);
        var before = harness.Recorder.Specs.Count;

        await harness.Workspace.CollectAsync(checkout, Token);

        var fetch = harness.Recorder.Specs.Skip(before).First(s => s.Arguments.Contains("fetch"));
        Assert.Null(fetch.RunAs); // the receiving side is the worker's, in its own repository
        Assert.Contains(fetch.Arguments, a => a.StartsWith("--upload-pack=", StringComparison.Ordinal) && a.Contains("--reuid=10001", StringComparison.Ordinal));
    }
}
