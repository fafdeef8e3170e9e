using System.Text.Json;

namespace AgentConductor.Conductor.Intake;

/// <summary>Reads a Jira webhook body: <c>webhookEvent</c>, <c>timestamp</c> and the <c>issue</c> it is about.</summary>
internal static class JiraWebhookParser
{
    public static TicketMessage Parse(JsonElement body)
    {
        var webhook = new JsonFieldReader(body, MessageFormat.JiraWebhook);
        var webhookEvent = webhook.RequiredString("webhookEvent");
        var action = webhookEvent switch
        {
            "jira:issue_created" or "jira:issue_updated" => TicketAction.Upsert,
            "jira:issue_deleted" => TicketAction.Deleted,
            _ => throw webhook.Reject(
                RejectReasons.UnsupportedEvent,
                $"The Jira webhook event {JsonFieldReader.Quote(webhookEvent)} is not supported; only jira:issue_created, jira:issue_updated and jira:issue_deleted are."),
        };

        return JiraIssueParser.Parse(webhook.RequiredObject("issue"), action, Timestamp(webhook));
    }

    // Jira sends the webhook time as epoch milliseconds.
    private static DateTimeOffset? Timestamp(JsonFieldReader webhook)
    {
        const string Path = "timestamp";
        if (!webhook.TryGetValue(Path, out var timestamp))
        {
            return null;
        }

        return timestamp.ValueKind == JsonValueKind.Number
            && timestamp.TryGetInt64(out var milliseconds)
            && IntakeTimestamps.TryFromUnixMilliseconds(milliseconds, out var time)
                ? time
                : throw webhook.Invalid(Path, $"must be epoch milliseconds but was {Shown(timestamp)}");
    }

    private static string Shown(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number
            ? JsonFieldReader.Quote(value.GetRawText())
            : JsonFieldReader.Describe(value);
}
