using AgentConductor.Conductor.Feed;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Feed;

public sealed class JiraFeedFilterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 14, 0, 0, TimeSpan.Zero);
    private static readonly string Sample = File.ReadAllText(Path.Combine(RepoPaths.SharedSamples, "jira-webhook-issue-created.json"));

    [Fact]
    public void Evaluate_SharedSampleWithoutFilters_IsSent()
    {
        var decision = Filter().Evaluate(Sample);

        Assert.Equal(JiraFeedVerdict.Send, decision.Verdict);
        Assert.Equal("PAY-412", decision.Ticket!.Key);
    }

    [Fact]
    public void Evaluate_RestIssueShape_IsSent() =>
        Assert.Equal(JiraFeedVerdict.Send, Filter().Evaluate(File.ReadAllText(Path.Combine(RepoPaths.SharedSamples, "jira-issue-rest-v3.json"))).Verdict);

    [Theory]
    [InlineData(new[] { "pay" }, new string[0], "send")]
    [InlineData(new[] { "OPS" }, new string[0], "skip")]
    [InlineData(new string[0], new[] { "AGENT" }, "send")]
    [InlineData(new string[0], new[] { "frontend", "backend" }, "skip")]
    [InlineData(new[] { "PAY", "OPS" }, new[] { "backend", "agent" }, "send")]
    public void Evaluate_ProjectAndLabelFilters_CaseInsensitive(string[] projects, string[] labels, string expected) =>
        Assert.Equal(expected, Filter(projects, labels).Evaluate(Sample).Verdict.ToString().ToLowerInvariant());

    [Fact]
    public void Evaluate_DeletionWithoutTheLabel_IsStillSent() =>
        Assert.Equal(JiraFeedVerdict.Send, Filter(["PAY"], ["agent"]).Evaluate(Messages.TicketDeleted("PAY-1", T0)).Verdict);

    [Fact]
    public void Evaluate_AnEventTheConductorDoesNotUse_IsSkipped()
    {
        var comment = Sample.Replace("jira:issue_created", "comment_created", StringComparison.Ordinal);

        var decision = Filter().Evaluate(comment);

        Assert.Equal(JiraFeedVerdict.Skip, decision.Verdict);
        Assert.Contains("comment_created", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"webhookEvent\": ")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    public void Evaluate_NotJson_IsInvalid(string body) => Assert.Equal(JiraFeedVerdict.Invalid, Filter().Evaluate(body).Verdict);

    [Fact]
    public void Evaluate_CloudWatchAlarm_IsInvalid()
    {
        var decision = Filter().Evaluate(Messages.Alarm("111122223333", T0));

        Assert.Equal(JiraFeedVerdict.Invalid, decision.Verdict);
        Assert.Contains("not a Jira issue", decision.Reason, StringComparison.Ordinal);
    }

    private static JiraFeedFilter Filter(string[]? projects = null, string[]? labels = null) =>
        new(new JiraFeedSettings("https://sqs.eu-west-1.amazonaws.com/1/q", null, projects ?? [], labels ?? []));
}
