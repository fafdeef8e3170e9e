using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentConductor.Conductor.Replay;

/// <summary>Real-shaped message bodies (as in <c>shared/samples</c>) for generated scenarios and benchmarks.</summary>
internal static class SampleMessages
{
    public static JsonObject JiraWebhook(string webhookEvent, string key, string summary, DateTimeOffset at, params string[] labels) => new()
    {
        ["timestamp"] = at.ToUnixTimeMilliseconds(),
        ["webhookEvent"] = webhookEvent,
        ["issue_event_type_name"] = webhookEvent.Replace("jira:", "", StringComparison.Ordinal),
        ["issue"] = new JsonObject
        {
            ["id"] = (Math.Abs(key.GetHashCode(StringComparison.Ordinal)) % 100000).ToString(CultureInfo.InvariantCulture),
            ["self"] = "https://example.atlassian.net/rest/api/2/issue/" + key,
            ["key"] = key,
            ["fields"] = new JsonObject
            {
                ["summary"] = summary,
                ["description"] = $"Generated ticket {key}.\nSteps:\n# do the thing\n# observe the failure",
                ["issuetype"] = new JsonObject { ["name"] = "Bug" },
                ["project"] = new JsonObject { ["key"] = key[..key.IndexOf('-', StringComparison.Ordinal)] },
                ["priority"] = new JsonObject { ["name"] = "High" },
                ["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)JsonValue.Create(l))]),
                ["status"] = new JsonObject { ["name"] = "To Do" },
                ["created"] = JiraTime(at),
                ["updated"] = JiraTime(at),
            },
        },
    };

    public static JsonObject EventBridgeAlarm(string id, string account, string alarmName, string state, DateTimeOffset at, string region = "eu-west-1") => new()
    {
        ["version"] = "0",
        ["id"] = id,
        ["detail-type"] = "CloudWatch Alarm State Change",
        ["source"] = "aws.cloudwatch",
        ["account"] = account,
        ["time"] = at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        ["region"] = region,
        ["resources"] = new JsonArray($"arn:aws:cloudwatch:{region}:{account}:alarm:{alarmName}"),
        ["detail"] = new JsonObject
        {
            ["alarmName"] = alarmName,
            ["state"] = new JsonObject
            {
                ["value"] = state,
                ["reason"] = state == "ALARM" ? "Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold." : "Threshold Crossed: datapoints back under the threshold.",
                ["timestamp"] = JiraTime(at),
            },
            ["previousState"] = new JsonObject { ["value"] = state == "ALARM" ? "OK" : "ALARM" },
            ["configuration"] = new JsonObject { ["description"] = $"{alarmName} (generated)" },
        },
    };

    /// <summary>The timestamp shape Jira and CloudWatch use: <c>2026-11-02T14:05:12.411+0000</c>.</summary>
    public static string JiraTime(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
}
