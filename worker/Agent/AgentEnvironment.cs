namespace AgentConductor.Worker.Agent;

/// <summary>
/// The agent's whole environment, built from an allowlist rather than the worker's own (which holds the job token, the
/// GitHub token and the model key): PATH, the locale and TZ from the worker, the agent's own HOME and CODEX_HOME, the
/// model proxy's per-run token as CODEX_API_KEY, and what <see cref="AgentOptions.Environment"/> adds.
/// </summary>
internal static class AgentEnvironment
{
    /// <summary>The worker's variables the agent gets as they are (and every <c>LC_*</c>).</summary>
    public static readonly IReadOnlyList<string> Inherited = ["PATH", "LANG", "LANGUAGE", "TZ"];

    // What must never reach the agent, whatever a setting says: the worker's secrets and the conductor's address.
    private static readonly string[] ForbiddenNames =
        ["JOB_TOKEN", "CONDUCTOR_URL", "GITHUB_TOKEN", "GH_TOKEN", "GITHUB_APP_PRIVATE_KEY", "OPENAI_API_KEY", "AGENT_GIT_TOKEN"];

    private static readonly string[] ForbiddenPrefixes = ["AWS_", "ECS_CONTAINER_METADATA_URI"];

    /// <summary>True for a name no setting may hand the agent.</summary>
    public static bool IsForbidden(string name) =>
        ForbiddenNames.Contains(name, StringComparer.OrdinalIgnoreCase)
        || ForbiddenPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));

    /// <param name="worker">The worker's own environment (only the allowlisted names are read from it).</param>
    /// <param name="secrets">Values the agent must not get: an added variable that contains one is left out.</param>
    public static Dictionary<string, string> Build(
        IReadOnlyDictionary<string, string> worker, AgentOptions options, AgentRunFolder folder, string proxyToken, IEnumerable<string> secrets)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in worker)
        {
            if (Inherited.Contains(name, StringComparer.Ordinal) || name.StartsWith("LC_", StringComparison.Ordinal))
            {
                environment[name] = value;
            }
        }

        var held = secrets.Where(s => !string.IsNullOrEmpty(s)).ToList();
        foreach (var (name, value) in options.Environment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else if (!IsForbidden(name) && !held.Any(secret => value.Contains(secret, StringComparison.Ordinal)))
            {
                environment[name] = value;
            }
        }

        environment["HOME"] = folder.Home;
        environment[CodexCommand.HomeVariable] = folder.CodexHome;
        environment[CodexCommand.ApiKeyVariable] = proxyToken;
        return environment;
    }

    /// <summary>The current process's environment as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> OfThisProcess() =>
        System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
}
