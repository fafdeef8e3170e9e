namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// Where one run's proxy forwards to and with what. A class, not a record: a record's generated ToString would print
/// the key.
/// </summary>
internal sealed class ModelProxyTarget(Uri baseUrl, string? modelKey, string proxyToken)
{
    /// <summary>The model API's base URL (<c>https://api.openai.com/v1</c>); paths the agent asks for are appended.</summary>
    public Uri BaseUrl { get; } = baseUrl;

    /// <summary>Sent upstream as <c>Authorization: Bearer</c>; none when null (a model server that needs no key).</summary>
    public string? ModelKey { get; } = modelKey;

    /// <summary>The only credential the proxy accepts from the agent.</summary>
    public string ProxyToken { get; } = proxyToken;

    public Uri Upstream(string path, string? query) => new(BaseUrl.AbsoluteUri.TrimEnd('/') + path + query);
}
