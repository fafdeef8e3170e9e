using System.Text.Json;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Replay;

namespace AgentConductor.Conductor.Tests.Replay;

/// <summary>The scenario steps for follow-ups: signed deliveries, pull requests, and the problems the loader names.</summary>
public sealed class ScenarioGitHubTests
{
    private const string Secret = "scenario-webhook-secret-0001";

    [Fact]
    public void Load_GitHubStep_IsTheStoredFormSignedWithTheScenarioSecret_KeyedByItsDeliveryId()
    {
        var scenario = Parse($$$"""
            {"options": {"webhookSecret": "{{{Secret}}}"},
             "steps": [{"at": "2026-11-02T15:00:00Z", "github": {"event": "issue_comment", "delivery": "d-1"}, "body": {"action":  "created"}}]}
            """);

        var step = Assert.Single(scenario.Steps);
        Assert.Equal("github-delivery:d-1", step.MessageId);
        using var stored = JsonDocument.Parse(step.Body!);
        var envelope = GitHubEnvelope.Read(stored.RootElement);
        Assert.Equal("{\"action\":  \"created\"}", System.Text.Encoding.UTF8.GetString(envelope.Body));
        Assert.True(GitHubSignature.Check(Secret, envelope.Signature, envelope.Body).IsValid);
    }

    [Fact]
    public void Load_UnsignedOrLiteralSignature_IsStoredAsGiven()
    {
        var scenario = Parse($$$"""
            {"options": {"webhookSecret": "{{{Secret}}}"},
             "steps": [{"at": "2026-11-02T15:00:00Z", "github": {"event": "ping", "delivery": "d-1", "signature": "none"}, "body": {}},
                       {"at": "2026-11-02T15:00:01Z", "messageId": "forged", "github": {"event": "ping", "delivery": "d-2", "signature": "sha256=00"}, "body": {}}]}
            """);

        Assert.StartsWith("sha256:", scenario.Steps[0].MessageId, StringComparison.Ordinal);
        Assert.Null(Envelope(scenario.Steps[0]).Signature);
        Assert.Equal(("forged", "sha256=00"), (scenario.Steps[1].MessageId, Envelope(scenario.Steps[1]).Signature));
    }

    [Theory]
    [InlineData("""{"steps": [{"at": "2026-11-02T15:00:00Z", "github": {"event": "ping", "delivery": "d"}, "body": {}}]}""", "$.steps[0].github.signature is \"valid\" but $.options.webhookSecret is not set")]
    [InlineData("""{"steps": [{"at": "2026-11-02T15:00:00Z", "github": {"event": "ping", "delivery": "d", "secret": "x"}, "body": {}}]}""", "$.steps[0].github.secret is not a known field")]
    [InlineData("""{"steps": [{"at": "2026-11-02T15:00:00Z", "pullRequest": {"url": "https://github.com/a/b/pull/1", "branch": "agent/x/y"}}]}""", "names its job by ticketKey or by decidedBy")]
    [InlineData("""{"steps": [{"at": "2026-11-02T15:00:00Z", "pullRequest": {"ticketKey": "P-1", "url": "https://github.com/a/b/issues/1", "branch": "agent/x/y"}}]}""", "$.steps[0].pullRequest.url must be a pull request's web URL")]
    [InlineData("""{"steps": [{"at": "2026-11-02T15:00:00Z", "pullRequest": {"ticketKey": "P-1", "url": "https://github.com/a/b/pull/1", "branch": "main"}}]}""", "$.steps[0].pullRequest.branch must be the job's branch")]
    [InlineData("""{"steps": [{"at": "2026-11-02T15:00:00Z", "messageId": "m", "body": {}, "pullRequest": {"ticketKey": "P-1", "url": "https://github.com/a/b/pull/1", "branch": "agent/x/y"}}]}""", "$.steps[0].messageId does not go with pullRequest")]
    [InlineData("""{"steps": [], "options": {"coalesceWindow": "-00:01:00"}}""", "$.options.coalesceWindow must be a duration")]
    [InlineData("""{"steps": [], "options": {"followUpsOnFailedChecks": "yes"}}""", "$.options.followUpsOnFailedChecks must be true or false")]
    [InlineData("""{"steps": [], "expect": {"deliveries": [{"delivery": "d", "outcome": "maybe"}]}}""", "$.expect.deliveries[0].outcome must be")]
    public void Load_BadFollowUpSteps_NameTheProblem(string json, string problem)
    {
        var error = Assert.Throws<ScenarioFormatException>(() => Parse(json));

        Assert.Contains(error.Problems, p => p.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void FollowUps_ScenarioOptionsOverTheDefaults_AndInvalidOnesNamed()
    {
        var settings = ScenarioSettings.FollowUps(Parse($$$"""{"steps": [], "options": {"webhookSecret": "{{{Secret}}}", "followUpHandle": "@pay-bot", "maxFollowUpsPerPullRequest": 9}}""").Options);
        var error = Assert.Throws<ScenarioFormatException>(() => ScenarioSettings.FollowUps(Parse("""{"steps": [], "options": {"followUpHandle": "pay-bot", "webhookSecret": "short"}}""").Options));

        Assert.Equal((Secret, "@pay-bot", 9, TimeSpan.FromMinutes(3)), (settings.WebhookSecret, settings.Options.Handle, settings.Options.MaxPerPullRequest, settings.Options.CoalesceWindow));
        Assert.Contains(error.Problems, p => p.Contains("FollowUps:Handle", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("GitHub:WebhookSecret", StringComparison.Ordinal));
    }

    private static Scenario Parse(string json) => ScenarioLoader.Parse(json, "test.json");

    private static GitHubEnvelope Envelope(ScenarioStep step)
    {
        using var stored = JsonDocument.Parse(step.Body!);
        return GitHubEnvelope.Read(stored.RootElement);
    }
}
