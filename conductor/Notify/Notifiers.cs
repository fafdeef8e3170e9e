using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>The notifier of each configured destination, by the name its deliveries carry.</summary>
internal sealed class Notifiers(IOptions<NotifyOptions> notify, IOptions<JiraOptions> jira, NotifyHttp http, TimeProvider time)
{
    private readonly Dictionary<string, INotifier> _byName = Build(notify.Value, jira.Value, http, time);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public INotifier? Find(string destination) => _byName.GetValueOrDefault(destination);

    private static Dictionary<string, INotifier> Build(NotifyOptions notify, JiraOptions jira, NotifyHttp http, TimeProvider time)
    {
        var notifiers = new Dictionary<string, INotifier>(StringComparer.Ordinal);
        foreach (var webhook in notify.Webhooks)
        {
            notifiers[NotifyDestinations.Webhook(webhook)] = new WebhookNotifier(webhook, http, time);
        }

        if (jira.Enabled)
        {
            var client = new JiraClient(jira, http);
            notifiers[NotifyDestinations.Jira] = new JiraCommentNotifier(client);
            if (!string.IsNullOrWhiteSpace(jira.TransitionOnPullRequest))
            {
                notifiers[NotifyDestinations.JiraTransition] = new JiraTransitionNotifier(client, jira.TransitionOnPullRequest);
            }
        }

        return notifiers;
    }
}
