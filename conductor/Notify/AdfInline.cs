namespace AgentConductor.Conductor.Notify;

/// <summary>A run of text in an ADF paragraph: plain, strong, or a link (only to an absolute http(s) URL).</summary>
internal readonly record struct AdfInline(string Text, string? Href = null, bool Strong = false)
{
    public static AdfInline Plain(string text) => new(text);

    public static AdfInline Bold(string text) => new(text, Strong: true);

    /// <summary>A link mark when <paramref name="href"/> is an absolute http(s) URL; otherwise the text alone.</summary>
    public static AdfInline Link(string text, string? href) =>
        Uri.TryCreate(href, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" ? new(text, url.AbsoluteUri) : new(text);
}
