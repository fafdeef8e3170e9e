namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// What the agent may ask the model API for through the proxy: Codex's Responses API calls (<c>POST /responses</c>,
/// and the calls under it such as compaction) and the model list. Nothing else the key could do (files, fine-tuning,
/// the organisation's administration) is forwarded.
/// </summary>
internal static class ModelProxyRoutes
{
    public static bool Allows(string method, string path) => method switch
    {
        "POST" => Under(path, "/responses"),
        "GET" => Under(path, "/models"),
        _ => false,
    };

    private static bool Under(string path, string root) =>
        path == root || path.StartsWith(root + "/", StringComparison.Ordinal);
}
