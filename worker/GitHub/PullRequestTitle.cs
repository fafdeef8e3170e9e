using System.Globalization;

namespace AgentConductor.Worker.GitHub;

/// <summary>Pull request titles: one line, at most 256 chars (GitHub's limit), cut without splitting a surrogate pair.</summary>
internal static class PullRequestTitle
{
    public const int MaxLength = 256;

    /// <summary>"PAY-412: Fix the rounding of refunds".</summary>
    public static string ForTicket(string ticketKey, string summary) => Build($"{ticketKey.Trim()}: {summary}");

    /// <summary>"Incident 7 in 111122223333: HighErrorRate".</summary>
    public static string ForIncident(long incidentId, string accountId, string alarmName) =>
        Build(string.Create(CultureInfo.InvariantCulture, $"Incident {incidentId} in {accountId.Trim()}: {alarmName}"));

    private static string Build(string title) =>
        SafeText.TruncateWithEllipsis(SafeText.OneLine(SafeText.ReplaceLoneSurrogates(title)), MaxLength);
}
