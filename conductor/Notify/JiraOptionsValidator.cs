using System.Net;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>Checks <c>Jira</c> at startup when a site is set, listing every problem at once. The API token is never echoed.</summary>
internal sealed class JiraOptionsValidator : IValidateOptions<JiraOptions>
{
    public ValidateOptionsResult Validate(string? name, JiraOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (!NotifyOptionsValidator.IsHttpUrl(options.SiteUrl, out var site) || site.AbsolutePath.Trim('/').Length > 0)
        {
            errors.Add($"Jira:SiteUrl '{options.SiteUrl}' must be the site's base URL, e.g. https://acme.atlassian.net (no path, query or credentials).");
        }
        else if (site.Scheme == "http" && !IsLoopback(site))
        {
            errors.Add($"Jira:SiteUrl '{options.SiteUrl}' must use https: the API token travels in every request.");
        }

        if (string.IsNullOrWhiteSpace(options.User))
        {
            errors.Add("Jira:User is required when Jira:SiteUrl is set (the account's email address on Jira Cloud).");
        }

        if (string.IsNullOrWhiteSpace(options.ApiToken))
        {
            errors.Add("Jira:ApiToken is required when Jira:SiteUrl is set; set it through the environment (Jira__ApiToken) or a secret store.");
        }

        if (NotifyOptionsValidator.UnknownEvents(options.CommentOn).ToList() is { Count: > 0 } unknown)
        {
            errors.Add($"Jira:CommentOn has unknown event types ({string.Join(", ", unknown)}); known: {string.Join(", ", NotifyEventTypes.All)}.");
        }

        if (options.TransitionOnPullRequest is { } transition && transition.Length > 0 && transition.Trim().Length == 0)
        {
            errors.Add("Jira:TransitionOnPullRequest is blank; leave it unset for no transition.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
