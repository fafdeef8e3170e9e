using AgentConductor.Conductor.Replay;

namespace AgentConductor.TestSupport;

/// <summary>Message bodies for tests, in the shapes the conductor receives.</summary>
internal static class Messages
{
    public static string TicketCreated(string key, DateTimeOffset at, params string[] labels) =>
        SampleMessages.JiraWebhook("jira:issue_created", key, $"Summary of {key}", at, labels).ToJsonString();

    public static string TicketUpdated(string key, DateTimeOffset at, string summary, params string[] labels) =>
        SampleMessages.JiraWebhook("jira:issue_updated", key, summary, at, labels).ToJsonString();

    public static string TicketDeleted(string key, DateTimeOffset at) =>
        SampleMessages.JiraWebhook("jira:issue_deleted", key, $"Summary of {key}", at).ToJsonString();

    public static string Alarm(string account, DateTimeOffset at, string state = "ALARM", string name = "orders-api-5xx") =>
        SampleMessages.EventBridgeAlarm(Guid.NewGuid().ToString(), account, name, state, at).ToJsonString();
}
