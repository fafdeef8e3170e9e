namespace AgentConductor.Worker.Agent;

/// <summary>
/// The model provider the worker hands Codex: the one place that decides where the agent's model requests go. With a
/// base URL, Codex talks the Responses API to it (<c>POST &lt;base&gt;/responses</c>) and authenticates with
/// <c>CODEX_API_KEY</c>; without one, Codex keeps its own default provider (the OpenAI API). The worker's model proxy
/// will slot in here: the base URL becomes the proxy's loopback address.
/// </summary>
internal static class CodexModelProvider
{
    /// <summary>The provider's name in Codex's configuration (<c>model_providers.&lt;Name&gt;</c>); <c>Agent:ExtraConfig</c> can tune it.</summary>
    public const string Name = "agent_conductor";

    /// <summary>The <c>-c key=value</c> arguments that select the provider; none without a base URL.</summary>
    public static IReadOnlyList<string> Arguments(Uri? baseUrl) => baseUrl is null
        ? []
        :
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
