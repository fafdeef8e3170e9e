namespace AgentConductor.Worker.Git;

/// <summary>
/// Hands the token to git without writing it anywhere: an inline credential helper (git runs helpers that start
/// with <c>!</c> through the shell) prints it from the child's environment. The helper text names the variable,
/// never the value, so the token is in no argument, URL, file or log line.
/// </summary>
internal static class GitCredentialHelper
{
    public const string TokenVariable = "AGENT_GIT_TOKEN";

    public const string Script =
        "!f() { test \"$1\" = get && echo username=x-access-token && echo \"password=$" + TokenVariable + "\"; }; f";

    /// <summary>The <c>-c</c> pairs: reset every inherited helper, then, with a token, add ours.</summary>
    public static IEnumerable<string> ConfigArguments(bool withToken)
    {
        yield return "-c";
        yield return "credential.helper=";
        if (withToken)
        {
            yield return "-c";
            yield return "credential.helper=" + Script;
        }
    }

    /// <summary>
    /// The child's environment: the token (or the removal of an inherited one), no prompts of any kind, and no
    /// system-wide configuration.
    /// </summary>
    public static Dictionary<string, string?> Environment(string? token) => new(StringComparer.Ordinal)
    {
        [TokenVariable] = string.IsNullOrEmpty(token) ? null : token,
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_ASKPASS"] = "",
        ["SSH_ASKPASS"] = "",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
    };
}
