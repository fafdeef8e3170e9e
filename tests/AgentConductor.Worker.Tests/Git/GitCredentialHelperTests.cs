using AgentConductor.Worker.Git;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Git;

public sealed class GitCredentialHelperTests
{
    private static readonly GitRemoteUrl Remote = GitRemoteUrl.Parse("https://example.com/acme/app.git");

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CredentialFill_TheRemotesProtocolAndHost_HelperAnswersWithTheTokenFromTheEnvironment()
    {
        // A token of no known shape: the runner's own masker (which knows no value) would mask a GitHub-shaped one.
        const string Plain = "plain-token-of-no-known-shape-0123";
        await using var harness = new GitHarness(Plain, runnerMasksToo: false);

        var output = await FillAsync(harness, "protocol=https\nhost=example.com\n\n");

        Assert.Contains("username=x-access-token", output.StandardOutput);
        Assert.Contains("password=" + Plain, output.StandardOutput);
        var spec = harness.Recorder.Specs.Single();
        Assert.DoesNotContain(spec.Arguments, a => a.Contains(Plain, StringComparison.Ordinal));
        Assert.Contains("credential.helper=", spec.Arguments);
        Assert.Contains("credential.helper=" + GitCredentialHelper.Script, spec.Arguments);
        Assert.Equal(Plain, spec.Environment[GitCredentialHelper.TokenVariable]);
        Assert.Equal(("https", "example.com"), (spec.Environment[GitCredentialHelper.ProtocolVariable], spec.Environment[GitCredentialHelper.HostVariable]));
    }

    [Theory]
    [InlineData("protocol=https\nhost=evil.example\n\n")]
    [InlineData("protocol=https\nhost=example.com:8443\n\n")]
    [InlineData("protocol=http\nhost=example.com\n\n")]
    [InlineData("protocol=https\nhost=example.com.evil.example\n\n")]
    public async Task CredentialFill_AnotherHostPortOrProtocol_HelperGivesNothingAndGitDoesNotPrompt(string request)
    {
        await using var harness = new GitHarness(GitHarness.Token, runnerMasksToo: false);

        var error = await Assert.ThrowsAsync<GitCommandException>(() => FillAsync(harness, request));

        Assert.Equal("credential", error.Subcommand);
        Assert.DoesNotContain(GitHarness.Token, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CredentialFill_SharedMasker_OutputAndLogsShowOnlyTheMask()
    {
        await using var harness = new GitHarness(GitHarness.Token);

        var output = await FillAsync(harness, "protocol=https\nhost=example.com\n\n");

        Assert.Contains("password=***", output.StandardOutput);
        Assert.NotEmpty(harness.AllLogLines);
        Assert.DoesNotContain(harness.AllLogLines, l => l.Contains(GitHarness.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialFill_NoToken_FailsInsteadOfPrompting()
    {
        await using var harness = new GitHarness(token: null);

        var error = await Assert.ThrowsAsync<GitCommandException>(() => FillAsync(harness, "protocol=https\nhost=example.com\n\n"));

        Assert.Equal("credential", error.Subcommand);
        var spec = harness.Recorder.Specs.Single();
        Assert.False(spec.Environment.ContainsKey(GitCredentialHelper.TokenVariable));
        Assert.DoesNotContain("credential.helper=" + GitCredentialHelper.Script, spec.Arguments);
    }

    [Fact]
    public async Task EveryCommand_OfAJob_ExactEnvironmentTokenOnlyWhereTheRemoteIsHttpAndNeverLogged()
    {
        await using var harness = await new GitHarness(GitHarness.Token).WithHttpRemoteAsync(commits: 1, Token);
        await harness.CheckOutAsync("agent/job-1/x", Token);
        await harness.WriteFileAsync("new.txt", "new\n", Token);
        await harness.CommitCollectAndPushAsync(Token);

        Assert.True(harness.Recorder.Specs.Count >= 8);
        Assert.All(harness.Recorder.Specs, spec =>
        {
            Assert.False(spec.InheritEnvironment);
            Assert.DoesNotContain(spec.Arguments, a => a.Contains(GitHarness.Token, StringComparison.Ordinal));
            Assert.Equal("0", spec.Environment["GIT_TERMINAL_PROMPT"]);
            Assert.Equal("1", spec.Environment["GIT_CONFIG_NOSYSTEM"]);
            Assert.Equal("/dev/null", spec.Environment["GIT_CONFIG_GLOBAL"]);
            Assert.Contains("core.hooksPath=/dev/null", spec.Arguments);
            Assert.Contains("core.fsmonitor=false", spec.Arguments);
            Assert.Contains("protocol.allow=never", spec.Arguments);
            var talksToTheRemote = spec.Arguments.Contains(harness.CloneUrl);
            Assert.Equal(talksToTheRemote, spec.Environment.ContainsKey(GitCredentialHelper.TokenVariable));
        });
        Assert.Equal(3, harness.Recorder.Specs.Count(s => s.Environment.ContainsKey(GitCredentialHelper.TokenVariable))); // clone, ls-remote, push
        Assert.DoesNotContain(harness.AllLogLines, l => l.Contains(GitHarness.Token, StringComparison.Ordinal));
    }

    private static Task<GitOutput> FillAsync(GitHarness harness, string request) =>
        harness.Cli.RunAsync(new GitCommand(harness.Root, ["credential", "fill"]) { Stdin = StdinSource.FromText(request), Remote = Remote }, Token);
}
