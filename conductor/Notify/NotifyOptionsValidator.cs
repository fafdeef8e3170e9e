using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Notify;

/// <summary>Checks <c>Notify</c> at startup, listing every problem at once. Secrets are never echoed.</summary>
internal sealed partial class NotifyOptionsValidator : IValidateOptions<NotifyOptions>
{
    public const int MinSecretLength = 32;

    public ValidateOptionsResult Validate(string? name, NotifyOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Webhooks.Count; i++)
        {
            ValidateWebhook(errors, $"Notify:Webhooks:{i}", options.Webhooks[i]);
        }

        foreach (var duplicate in options.Webhooks.Select(w => w.EffectiveName).Where(n => n.Length > 0)
            .GroupBy(n => n, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            errors.Add($"Notify:Webhooks: more than one webhook is named '{duplicate.Key}'; give each a distinct Name.");
        }

        if (!string.IsNullOrWhiteSpace(options.PublicUrl) && !IsHttpUrl(options.PublicUrl, out _))
        {
            errors.Add($"Notify:PublicUrl '{options.PublicUrl}' must be an absolute http:// or https:// URL without credentials, query or fragment.");
        }

        if (options.MaxAttempts is < 1 or > 100)
        {
            errors.Add($"Notify:MaxAttempts must be between 1 and 100 (got {options.MaxAttempts}).");
        }

        if (options.RetryBase <= TimeSpan.Zero || options.RetryCap < options.RetryBase)
        {
            errors.Add($"Notify:RetryBase ({options.RetryBase}) must be positive and not above Notify:RetryCap ({options.RetryCap}).");
        }

        if (options.PollInterval <= TimeSpan.Zero)
        {
            errors.Add($"Notify:PollInterval must be positive (got {options.PollInterval}).");
        }

        if (options.BatchSize is < 1 or > 1000)
        {
            errors.Add($"Notify:BatchSize must be between 1 and 1000 (got {options.BatchSize}).");
        }

        if (options.RequestTimeout < TimeSpan.FromSeconds(1))
        {
            errors.Add($"Notify:RequestTimeout must be at least 00:00:01 (got {options.RequestTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>An absolute http(s) URL without user info, query or fragment (a secret in a URL ends up in logs).</summary>
    public static bool IsHttpUrl(string? value, [NotNullWhen(true)] out Uri? url)
    {
        url = Uri.TryCreate(value, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"
            && parsed.UserInfo.Length == 0 && parsed.Fragment.Length == 0 && parsed.Query.Length == 0
            ? parsed
            : null;
        return url is not null;
    }

    public static IEnumerable<string> UnknownEvents(IEnumerable<string> events) => events.Where(e => !NotifyEventTypes.IsKnown(e));

    private static void ValidateWebhook(List<string> errors, string key, WebhookOptions webhook)
    {
        if (string.IsNullOrWhiteSpace(webhook.Url))
        {
            errors.Add($"{key}:Url is required.");
        }
        else if (!Uri.TryCreate(webhook.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.UserInfo.Length > 0 || url.Fragment.Length > 0)
        {
            // The URL is shown: it is not a secret (a query string token would be, so it is not echoed whole).
            errors.Add($"{key}:Url must be an absolute http:// or https:// URL without credentials or fragment (got '{Redacted(webhook.Url)}').");
        }

        if (string.IsNullOrEmpty(webhook.Secret))
        {
            errors.Add($"{key}:Secret is required (at least {MinSecretLength} characters; set it through the environment, e.g. {key.Replace(":", "__", StringComparison.Ordinal)}__Secret).");
        }
        else if (webhook.Secret.Length < MinSecretLength)
        {
            errors.Add($"{key}:Secret must be at least {MinSecretLength} characters (it has {webhook.Secret.Length}); e.g. `openssl rand -hex 32`.");
        }

        if (!string.IsNullOrWhiteSpace(webhook.Name) && !NamePattern().IsMatch(webhook.Name.Trim()))
        {
            errors.Add($"{key}:Name '{webhook.Name}' must be 1 to 64 letters, digits, '.', '_' or '-'.");
        }

        if (UnknownEvents(webhook.Events).ToList() is { Count: > 0 } unknown)
        {
            errors.Add($"{key}:Events has unknown event types ({string.Join(", ", unknown)}); known: {string.Join(", ", NotifyEventTypes.All)}.");
        }
    }

    private static string Redacted(string url)
    {
        var query = url.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? url : url[..query] + "?…";
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
