using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake;
using AgentConductor.TestSupport;

namespace AgentConductor.Conductor.Tests.Intake;

/// <summary>Sample bodies from <c>/shared/samples</c>, and helpers to parse and mutate them.</summary>
internal static class IntakeSamples
{
    public const string JiraRestV3 = "jira-issue-rest-v3.json";
    public const string JiraWebhookCreated = "jira-webhook-issue-created.json";
    public const string EventBridgeAlarm = "cloudwatch-alarm-eventbridge.json";
    public const string SnsAlarm = "cloudwatch-alarm-sns.json";

    public static string Read(string fileName) => File.ReadAllText(Path.Combine(RepoPaths.SharedSamples, fileName));

    /// <summary>A sample as a mutable JSON tree, for tests that break one field.</summary>
    public static JsonObject Node(string fileName) => JsonNode.Parse(Read(fileName))!.AsObject();

    /// <summary>The SNS sample's inner <c>Message</c>: the classic alarm JSON that raw delivery sends.</summary>
    public static JsonObject SnsInnerAlarm() => JsonNode.Parse(Node(SnsAlarm)["Message"]!.GetValue<string>())!.AsObject();

    /// <summary>The SNS sample with its <c>Message</c> replaced by <paramref name="inner"/>, serialized.</summary>
    public static string SnsWith(JsonNode inner) => SnsWithMessage(inner.ToJsonString());

    public static string SnsWithMessage(string message)
    {
        var envelope = Node(SnsAlarm);
        envelope["Message"] = message;
        return envelope.ToJsonString();
    }

    public static ParsedMessage Parse(string body, int maxBodyBytes = 1024 * 1024) =>
        new MessageParser(new IntakeOptions { MaxBodyBytes = maxBodyBytes }).Parse(body);

    public static ParsedMessage Parse(JsonNode body) => Parse(body.ToJsonString());

    /// <summary>Asserts a rejection with <paramref name="reason"/> whose detail is one sentence naming <paramref name="mention"/>.</summary>
    public static RejectedMessage AssertRejected(ParsedMessage result, string reason, string mention)
    {
        var rejected = Assert.IsType<RejectedMessage>(result);
        Assert.Equal(reason, rejected.Reason);
        Assert.Contains(mention, rejected.Detail, StringComparison.Ordinal);
        Assert.EndsWith(".", rejected.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', rejected.Detail);
        return rejected;
    }
}
