using System.Text;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// Replaces the notification secrets (webhook secrets, the Jira API token and the Basic credential made from it) in text
/// that is stored or logged, such as an error a receiver answered with.
/// </summary>
internal sealed class SecretMask
{
    public const string Mask = "***";

    private readonly string[] _secrets;

    public SecretMask(IEnumerable<string?> secrets) =>
        _secrets = [.. secrets.Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length)];

    public static SecretMask From(NotifyOptions notify, JiraOptions jira) => new(
        [
            .. notify.Webhooks.Select(w => w.Secret),
            jira.ApiToken,
            jira.Enabled && !string.IsNullOrEmpty(jira.ApiToken) ? JiraClient.BasicCredential(jira.User ?? "", jira.ApiToken) : null,
        ]);

    public string Apply(string text)
    {
        if (_secrets.Length == 0 || text.Length == 0)
        {
            return text;
        }

        var masked = new StringBuilder(text);
        foreach (var secret in _secrets)
        {
            masked.Replace(secret, Mask);
        }

        return masked.ToString();
    }
}
