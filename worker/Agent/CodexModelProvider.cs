namespace AgentConductor.Worker.Agent;

/// <summary>
/// The model provider the worker hands Codex: the one place that decides where the agent's model requests go. They go
/// to the worker's model proxy on 127.0.0.1 (<c>POST &lt;proxy&gt;/responses</c>), with the proxy's per-run token as
/// <c>CODEX_API_KEY</c>; the proxy forwards them to the real model API with the real key, which Codex never sees.
/// </summary>
internal static class CodexModelProvider
{
    /// <summary>The provider's name in Codex's configuration (<c>model_providers.&lt;Name&gt;</c>); <c>Agent:ExtraConfig</c> can tune it.</summary>
    public const string Name = "agent_conductor";

    /// <summary>The <c>-c key=value</c> arguments that select the provider at <paramref name="baseUrl"/>.</summary>
    public static IReadOnlyList<string> Arguments(Uri baseUrl) =>
    [
        "-c", $"model_provider={Name}",
        "-c", $"model_providers.{Name}={{name={Toml(Name)},base_url={Toml(baseUrl.OriginalString.TrimEnd('/'))},wire_api=\"responses\",env_key={Toml(CodexCommand.ApiKeyVariable)}}}",
    ];

    /// <summary>The URL when <paramref name="value"/> is an absolute http:// or https:// URL; otherwise null.</summary>
    public static Uri? ParseBaseUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url : null;

    /// <summary>A TOML basic string.</summary>
    private static string Toml(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
