namespace AgentConductor.Worker.Tests.Git;

/// <summary>The files the agent changed, as git sees them after the safety-net commit, however they were changed.</summary>
public sealed class GitWorkspaceChangedFilesTests
{
    private const string Branch = "agent/job-1/fix-the-bug";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangedFilesAsync_AgentsOwnCommitAndUncommittedChanges_EveryPathAgainstTheBase()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 2, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);
        await harness.WriteFileAsync("committed by the agent.txt", "one\n", Token);
        await harness.GitAsync(Token, "add", "--all");
        await harness.GitAsync(Token, "-c", "user.name=Agent", "-c", "user.email=agent@example.com", "commit", "--quiet", "-m", "agent's commit");
        await harness.WriteFileAsync("src/ünïcode.txt", "written by a shell command\n", Token);
        File.Delete(Path.Combine(harness.WorkDirectory, "README.md"));
        await harness.Workspace.CommitAllAsync(checkout, "Safety net", Token);
        var head = await harness.Workspace.CollectAsync(checkout, Token);

        var files = await harness.Workspace.ChangedFilesAsync(checkout, head, Token);

        Assert.Equal(["README.md", "committed by the agent.txt", "src/ünïcode.txt"], files.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ChangedFilesAsync_NothingChanged_Empty()
    {
        await using var harness = await new GitHarness().WithRemoteAsync(commits: 1, Token);
        var checkout = await harness.CheckOutAsync(Branch, Token);

        Assert.Empty(await harness.Workspace.ChangedFilesAsync(checkout, await harness.Workspace.CollectAsync(checkout, Token), Token));
    }
}
