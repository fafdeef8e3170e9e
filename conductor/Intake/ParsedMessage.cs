namespace AgentConductor.Conductor.Intake;

/// <summary>What a queue message turned out to be: a ticket, an alarm, or a rejection with its reason.</summary>
internal abstract record ParsedMessage;

/// <summary>Where a message came from, as recognised by its shape.</summary>
internal enum MessageFormat
{
    JiraIssue,
    JiraWebhook,
    CloudWatchEventBridge,
    CloudWatchSns,
    CloudWatchSnsRaw,
    GitHubWebhook,
}
