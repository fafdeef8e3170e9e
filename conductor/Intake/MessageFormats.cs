namespace AgentConductor.Conductor.Intake;

/// <summary>Format names as stored in <c>events.format</c>.</summary>
internal static class MessageFormats
{
    public static string ToName(MessageFormat format) => format switch
    {
        MessageFormat.JiraIssue => "jira-issue",
        MessageFormat.JiraWebhook => "jira-webhook",
        MessageFormat.CloudWatchEventBridge => "cloudwatch-eventbridge",
        MessageFormat.CloudWatchSns => "cloudwatch-sns",
        MessageFormat.CloudWatchSnsRaw => "cloudwatch-sns-raw",
        MessageFormat.GitHubWebhook => "github-webhook",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
