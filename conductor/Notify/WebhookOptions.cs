namespace AgentConductor.Conductor.Notify;

/// <summary>One receiver of signed events (<c>Notify:Webhooks:N</c>).</summary>
internal sealed class WebhookOptions
{
    /// <summary>How deliveries name it (<c>webhook:&lt;Name&gt;</c>); empty: the URL's host. Unique among the webhooks.</summary>
    public string? Name { get; set; }

    public string? Url { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key the body is signed with (at least <see cref="NotifyOptionsValidator.MinSecretLength"/>
    /// characters). Give it through the environment (<c>Notify__Webhooks__0__Secret</c>) or a secret store, not a file
    /// in the repository.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>The event types it receives; empty: every type.</summary>
    public List<string> Events { get; set; } = [];

    /// <summary>The name deliveries carry; the URL's host when <see cref="Name"/> is not set.</summary>
    public string EffectiveName =>
        !string.IsNullOrWhiteSpace(Name) ? Name.Trim()
        : Uri.TryCreate(Url, UriKind.Absolute, out var url) ? url.IsDefaultPort ? url.Host : $"{url.Host}-{url.Port}"
        : "";
}
