using AgentConductor.Worker.Git;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitWorkspaceCloneTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CloneAsync_DefaultDepth_ClonesOnlyTheTipOfTheBaseBranch()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 3, Token);

        await harness.Workspace.CloneAsync(harness.Remote.CloneUrl, "main", harness.WorkDirectory, Token);

        Assert.Equal("1", await harness.GitAsync(Token, "rev-list", "--count", "HEAD"));
        Assert.Equal(await harness.Remote.BranchShaAsync("main", Token), await harness.Workspace.HeadAsync(harness.WorkDirectory, Token));
        Assert.Equal("version 3", (await File.ReadAllTextAsync(Path.Combine(harness.WorkDirectory, "README.md"), Token)).Trim());
    }

    [Fact]
    public async Task CloneAsync_DepthZero_ClonesTheFullHistory()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 3, Token);
        harness.Options.CloneDepth = 0;

        await harness.Workspace.CloneAsync(harness.Remote.CloneUrl, "main", harness.WorkDirectory, Token);

        Assert.Equal("3", await harness.GitAsync(Token, "rev-list", "--count", "HEAD"));
        Assert.DoesNotContain(harness.Recorder.Specs.Single().Arguments, a => a.StartsWith("--depth", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CloneAsync_MissingRepository_ThrowsWithGitsStandardError()
    {
        using var harness = new GitHarness();
        var missing = new Uri(Path.Combine(harness.Root, "missing.git")).AbsoluteUri;

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.Workspace.CloneAsync(missing, "main", harness.WorkDirectory, Token));

        Assert.Equal("clone", error.Subcommand);
        Assert.Equal(128, error.ExitCode);
        Assert.Contains("does not appear to be a git repository", error.StandardError, StringComparison.Ordinal);
        Assert.Contains(error.StandardError, error.Message, StringComparison.Ordinal);
        Assert.Equal(1, harness.CliLogger.Count("GitFailed"));
    }

    [Fact]
    public async Task CloneAsync_MissingBaseBranch_ThrowsNamingTheBranch()
    {
        using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);

        var error = await Assert.ThrowsAsync<GitCommandException>(() => harness.Workspace.CloneAsync(harness.Remote.CloneUrl, "develop", harness.WorkDirectory, Token));

        Assert.Contains("develop", error.StandardError, StringComparison.Ordinal);
    }
}
