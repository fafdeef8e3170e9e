using AgentConductor.Worker.Git;
using AgentConductor.Worker.Tests.Fakes;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitWorkspaceCloneTests
{
    private const string Branch = "agent/job-1/fix-the-bug";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CheckOutAsync_DefaultDepth_ClonesOnlyTheTipOfTheBaseBranchAndRecordsIt()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 3, Token);

        var checkout = await harness.CheckOutAsync(Branch, Token);

        Assert.Equal("1", await harness.GitAsync(Token, "rev-list", "--count", "HEAD"));
        Assert.Equal(await harness.Remote.BranchShaAsync("main", Token), checkout.BaseCommit);
        Assert.Equal("version 3", (await File.ReadAllTextAsync(Path.Combine(harness.WorkDirectory, "README.md"), Token)).Trim());
        Assert.Equal(Branch, await harness.GitAsync(Token, "symbolic-ref", "--short", "HEAD"));
        Assert.Null(checkout.RemoteBranchCommit);
    }

    [Fact]
    public async Task CheckOutAsync_DepthZero_ClonesTheFullHistory()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 3, Token);
        harness.Options.CloneDepth = 0;

        await harness.CheckOutAsync(Branch, Token);

        Assert.Equal("3", await harness.GitAsync(Token, "rev-list", "--count", "HEAD"));
        Assert.DoesNotContain(harness.Recorder.Specs.First().Arguments, a => a.StartsWith("--depth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CheckOutAsync_Separated_TheWorkingCopyIsTheAgentsAndTheWorkersRepositoryIsNot()
    {
        AgentUsers.RequireSeparation();
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);

        await harness.CheckOutAsync(Branch, Token);

        Assert.Equal($"{AgentUsers.Agent.Uid}", await Owner(Path.Combine(harness.WorkDirectory, ".git", "config")));
        Assert.Equal($"{AgentUsers.Agent.Uid}", await Owner(Path.Combine(harness.WorkDirectory, "README.md")));
        Assert.Equal("0", await Owner(Path.Combine(harness.GitDirectory, "config")));
        // Before the agent ran, everything was the worker's: no git command ran as the agent's user.
        Assert.All(harness.Recorder.Specs, spec => Assert.Null(spec.RunAs));
    }

    [Fact]
    public async Task CheckOutAsync_BranchAlreadyOnTheRemote_RemembersWhereForTheLease()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("new.txt", "first attempt\n", Token);
        var first = await harness.CommitCollectAndPushAsync(Token);
        Directory.Delete(harness.WorkDirectory, recursive: true); // a rerun's worker starts afresh
        Directory.Delete(harness.GitDirectory, recursive: true);

        var checkout = await harness.CheckOutAsync(Branch, Token);

        Assert.Equal(first, checkout.RemoteBranchCommit);
    }

    [Fact]
    public async Task CheckOutAsync_MissingRepository_ThrowsWithGitsStandardError()
    {
        await using var harness = new GitHarness();
        var missing = new Uri(Path.Combine(harness.Root, "missing.git")).AbsoluteUri;

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.Workspace.CheckOutAsync(missing, "main", Branch, harness.WorkDirectory, harness.GitDirectory, Token));

        Assert.Equal("clone", error.Subcommand);
        Assert.Equal(128, error.ExitCode);
        Assert.Contains("does not appear to be a git repository", error.StandardError, StringComparison.Ordinal);
        Assert.Contains(error.StandardError, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.CliLogger.Count("GitFailed"));
    }

    [Fact]
    public async Task CheckOutAsync_MissingBaseBranch_ThrowsNamingTheBranch()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);

        var error = await Assert.ThrowsAsync<GitCommandException>(
            () => harness.Workspace.CheckOutAsync(harness.CloneUrl, "develop", Branch, harness.WorkDirectory, harness.GitDirectory, Token));

        Assert.Contains("develop", error.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://x-access-token:ghp_secret0123456789@github.com/acme/app.git")]
    [InlineData("-uhttps://github.com/acme/app.git")]
    [InlineData("ext::sh -c touch% /tmp/pwned")]
    public async Task CheckOutAsync_UrlWithAPasswordOrNoUrlAtAll_RefusedWithoutRunningGit(string url)
    {
        await using var harness = new GitHarness();

        await Assert.ThrowsAsync<ArgumentException>(() => harness.Workspace.CheckOutAsync(url, "main", Branch, harness.WorkDirectory, harness.GitDirectory, Token));

        Assert.Empty(harness.Recorder.Specs);
    }

    private static Task<string> Owner(string path) => GitRemote.RunProgramAsync("stat", "-c", "%u", path);
}
