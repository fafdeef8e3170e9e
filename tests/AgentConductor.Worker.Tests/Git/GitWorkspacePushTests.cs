using AgentConductor.Worker.Git;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitWorkspacePushTests
{
    private const string Branch = "agent/job-1/fix-the-bug";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PushAsync_NewBranch_CreatesItInTheRemoteAtHeadLeasingOnItsAbsence()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);

        var pushed = await harness.CommitCollectAndPushAsync(Token);

        Assert.Equal(pushed, await harness.Remote.BranchShaAsync(Branch, Token));
        var push = harness.Recorder.Specs.Last();
        Assert.Contains($"--force-with-lease=refs/heads/{Branch}:", push.Arguments);
        // To the URL itself, from the worker's own repository: never a remote the working copy names.
        Assert.Contains(harness.CloneUrl, push.Arguments);
        Assert.DoesNotContain("origin", push.Arguments);
        Assert.Equal(harness.GitDirectory, push.WorkingDirectory);
        Assert.Equal(pushed, harness.Checkout.RemoteBranchCommit);
    }

    [Fact]
    public async Task PushAsync_AfterRewritingThePushedBranch_ForcesWithLease()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first\n", Token);
        var first = await harness.CommitCollectAndPushAsync(Token);
        await harness.WriteFileAsync("new.txt", "second\n", Token);
        await harness.GitAsync(Token, "commit", "--quiet", "--all", "--amend", "-m", "Rewritten");

        var second = await harness.CommitCollectAndPushAsync(Token);

        Assert.NotEqual(first, second);
        Assert.Equal(second, await harness.Remote.BranchShaAsync(Branch, Token));
    }

    [Fact]
    public async Task PushAsync_RerunFromAFreshClone_ReplacesTheEarlierAttemptsBranch()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first attempt\n", Token);
        var first = await harness.CommitCollectAndPushAsync(Token);
        Directory.Delete(harness.WorkDirectory, recursive: true); // the rerun's worker starts from a fresh clone
        Directory.Delete(harness.GitDirectory, recursive: true);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "second attempt\n", Token);

        var second = await harness.CommitCollectAndPushAsync(Token);

        Assert.NotEqual(first, second);
        Assert.Equal(second, await harness.Remote.BranchShaAsync(Branch, Token));
    }

    [Fact]
    public async Task PushAsync_SomeoneElseMovedTheBranch_RefusesToOverwriteIt()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first\n", Token);
        await harness.CommitCollectAndPushAsync(Token);
        await harness.Remote.PushForeignCommitAsync(Branch, Token);
        var foreign = await harness.Remote.BranchShaAsync(Branch, Token);
        await harness.GitAsync(Token, "commit", "--quiet", "--amend", "-m", "Rewritten");

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.CommitCollectAndPushAsync(Token));

        Assert.Equal("push", error.Subcommand);
        Assert.Contains("stale info", error.StandardError, StringComparison.Ordinal);
        Assert.Equal(foreign, await harness.Remote.BranchShaAsync(Branch, Token));
    }

    [Fact]
    public async Task PushAsync_OverHttp_TheTokenGoesToTheRemotesHostThroughTheHelperOnly()
    {
        await using var harness = await new GitHarness(GitHarness.Token).WithHttpRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);

        var pushed = await harness.CommitCollectAndPushAsync(Token);

        Assert.Equal(pushed, await harness.Remote.BranchShaAsync(Branch, Token));
        Assert.Contains(harness.Http!.Requests, r => r.Path.EndsWith("/git-receive-pack", StringComparison.Ordinal) && r.Authorized);
        Assert.All(harness.Recorder.Specs, spec => Assert.DoesNotContain(spec.Arguments, a => a.Contains(GitHarness.Token, StringComparison.Ordinal)));
        Assert.DoesNotContain(harness.AllLogLines, l => l.Contains(GitHarness.Token, StringComparison.Ordinal));
        Assert.DoesNotContain(GitHarness.Token, await File.ReadAllTextAsync(Path.Combine(harness.WorkDirectory, ".git", "config"), Token), StringComparison.Ordinal);
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
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);
        var head = await harness.Workspace.CollectAsync(checkout, Token);
        var other = new GitCheckout(checkout.Remote, "main", branch, checkout.WorkingDirectory, checkout.GitDirectory, checkout.BaseCommit);
        var commandsBefore = harness.Recorder.Specs.Count;

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Workspace.PushAsync(other, head, Token));

        Assert.Equal(commandsBefore, harness.Recorder.Specs.Count);
        Assert.Equal("refs/heads/main", await GitRemote.RunAsync(harness.Remote.BarePath, Token, "for-each-ref", "--format=%(refname)"));
    }
}
