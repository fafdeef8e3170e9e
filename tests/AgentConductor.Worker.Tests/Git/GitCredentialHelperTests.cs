using AgentConductor.Worker.Git;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitCredentialHelperTests
{
    private const string FillRequest = "protocol=https\nhost=example.com\n\n";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CredentialFill_TokenInOptions_HelperAnswersWithTheTokenFromTheEnvironment()
    {
        using var harness = new GitHarness(GitHarness.Token, runnerMasksToo: false);

        var output = await harness.Cli.RunAsync(new GitCommand(harness.Root, ["credential", "fill"]) { Stdin = StdinSource.FromText(FillRequest) }, Token);

        Assert.Contains("username=x-access-token", output.StandardOutput);
        Assert.Contains("password=" + GitHarness.Token, output.StandardOutput);
        var spec = harness.Recorder.Specs.Single();
        Assert.DoesNotContain(spec.Arguments, a => a.Contains(GitHarness.Token, StringComparison.Ordinal));
        Assert.Contains("credential.helper=", spec.Arguments);
        Assert.Contains("credential.helper=" + GitCredentialHelper.Script, spec.Arguments);
        Assert.Equal(GitHarness.Token, spec.Environment[GitCredentialHelper.TokenVariable]);
    }

    [Fact]
    public async Task CredentialFill_SharedMasker_OutputAndLogsShowOnlyTheMask()
    {
        using var harness = new GitHarness(GitHarness.Token);

        var output = await harness.Cli.RunAsync(new GitCommand(harness.Root, ["credential", "fill"]) { Stdin = StdinSource.FromText(FillRequest) }, Token);

        Assert.Contains("password=***", output.StandardOutput);
        Assert.NotEmpty(harness.AllLogLines);
        Assert.DoesNotContain(harness.AllLogLines, l => l.Contains(GitHarness.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialFill_NoToken_FailsInsteadOfPrompting()
    {
        using var harness = new GitHarness(token: null);

        var error = await Assert.ThrowsAsync<GitCommandException>(
            () => harness.Cli.RunAsync(new GitCommand(harness.Root, ["credential", "fill"]) { Stdin = StdinSource.FromText(FillRequest) }, Token));

        Assert.Equal("credential", error.Subcommand);
        var spec = harness.Recorder.Specs.Single();
        Assert.Null(spec.Environment[GitCredentialHelper.TokenVariable]);
        Assert.DoesNotContain("credential.helper=" + GitCredentialHelper.Script, spec.Arguments);
    }

    [Fact]
    public async Task WorkspaceCommands_WithToken_TokenOnlyInTheEnvironmentAndNeverLogged()
    {
        using var harness = await new GitHarness(GitHarness.Token).WithRemoteAsync(commits: 1, Token);
        await harness.CloneAndBranchAsync("agent/job-1/x", Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        await harness.Workspace.CommitAllAsync(harness.WorkDirectory, "Safety net", Token);
        await harness.Workspace.PushAsync(harness.WorkDirectory, "agent/job-1/x", Token);
        await Assert.ThrowsAsync<GitCommandException>(() => harness.Workspace.CloneAsync(harness.Remote.CloneUrl + "-missing", "main", harness.Root + "/other", Token));

        Assert.True(harness.Recorder.Specs.Count >= 6);
        Assert.All(harness.Recorder.Specs, spec =>
        {
            Assert.DoesNotContain(spec.Arguments, a => a.Contains(GitHarness.Token, StringComparison.Ordinal));
            Assert.Equal(GitHarness.Token, spec.Environment[GitCredentialHelper.TokenVariable]);
            Assert.Equal("0", spec.Environment["GIT_TERMINAL_PROMPT"]);
            Assert.Equal("", spec.Environment["GIT_ASKPASS"]);
            Assert.Equal("1", spec.Environment["GIT_CONFIG_NOSYSTEM"]);
            Assert.Contains("user.name=Agent Conductor", spec.Arguments);
        });
        Assert.DoesNotContain(harness.AllLogLines, l => l.Contains(GitHarness.Token, StringComparison.Ordinal));
        Assert.False(File.ReadAllText(Path.Combine(harness.WorkDirectory, ".git", "config")).Contains(GitHarness.Token, StringComparison.Ordinal));
    }
}
