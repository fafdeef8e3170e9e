using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Scheduling;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Scheduling;

/// <summary>The follow-up settings are checked at startup, every problem named.</summary>
public sealed class FollowUpSettingsTests
{
    [Fact]
    public void Defaults_AreValid_AndHaveNoSecret()
    {
        Assert.True(new FollowUpOptionsValidator().Validate(null, new FollowUpOptions()).Succeeded);
        Assert.True(new GitHubWebhookOptionsValidator().Validate(null, new GitHubWebhookOptions()).Succeeded);
        Assert.Null(FollowUpSettings.Default.WebhookSecret);
        Assert.Equal(("@agent-conductor", TimeSpan.FromMinutes(3), 5, false), (FollowUpSettings.Default.Options.Handle, FollowUpSettings.Default.Options.CoalesceWindow, FollowUpSettings.Default.Options.MaxPerPullRequest, FollowUpSettings.Default.Options.OnFailedChecks));
    }

    [Fact]
    public void Validate_EveryBadFollowUpSetting_IsNamed()
    {
        var result = new FollowUpOptionsValidator().Validate(null, new FollowUpOptions
        {
            Handle = "agent-conductor",
            CoalesceWindow = TimeSpan.FromHours(2),
            MaxPerPullRequest = 0,
            IgnoredLogins = ["ok", " "],
        });

        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains(result.Failures!, f => f.StartsWith("FollowUps:Handle", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FollowUps:CoalesceWindow", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FollowUps:MaxPerPullRequest", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("FollowUps:IgnoredLogins", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("@a", true)]
    [InlineData("@agent-conductor", true)]
    [InlineData("@Agent-Conductor-2", true)]
    [InlineData("@-agent", false)]
    [InlineData("@agent--conductor", false)]
    [InlineData("@agent conductor", false)]
    [InlineData("@", false)]
    public void Validate_Handle_IsAnAtAndAGitHubLogin(string handle, bool valid) =>
        Assert.Equal(valid, new FollowUpOptionsValidator().Validate(null, new FollowUpOptions { Handle = handle }).Succeeded);

    [Fact]
    public void Validate_ShortWebhookSecret_IsRefused() =>
        Assert.Contains("GitHub:WebhookSecret must be at least 16", new GitHubWebhookOptionsValidator().Validate(null, new GitHubWebhookOptions { WebhookSecret = "short" }).FailureMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("GitHub__WebhookSecret", "tooshort", "GitHub:WebhookSecret must be at least 16 characters")]
    [InlineData("FollowUps__Handle", "agent", "FollowUps:Handle must be '@' and a GitHub login")]
    [InlineData("FollowUps__MaxPerPullRequest", "0", "FollowUps:MaxPerPullRequest must be between 1 and 100")]
    [InlineData("FollowUps__CoalesceWindow", "soon", "FollowUps:CoalesceWindow")]
    public async Task Run_InvalidFollowUpSetting_ExitsTwoNamingIt(string variable, string value, string expected)
    {
        using var directory = new TempDirectory();

        var (exit, _, stderr) = await ConductorProcess.RunAsync(
            ["run", "--Urls=http://127.0.0.1:0"],
            new Dictionary<string, string> { ["WorkerApi__Urls"] = "http://127.0.0.1:0", [variable] = value, ["Storage__DatabasePath"] = directory.File("c.db") },
            timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }
}
