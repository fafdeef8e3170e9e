namespace AgentConductor.Worker.Agent;

/// <summary>
/// Says what a failure Codex reported means for the operator when its own words do not: a model API that refuses the
/// credential is a setting to fix, not an agent that went wrong. The proxy passes the API's 401 through unchanged, so
/// the key to check is the worker's <c>CODEX_API_KEY</c> (the agent only ever held the proxy's token).
/// </summary>
internal static class CodexFailures
{
    public static string Explain(string reported) =>
        reported.Contains("401 Unauthorized", StringComparison.Ordinal)
            ? $"the model API refused the agent's credential (401): check the {CodexCommand.ApiKeyVariable} the worker was given; Codex said: {reported}"
            : reported;
}
