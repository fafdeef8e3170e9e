namespace AgentConductor.Worker.Git;

/// <summary>
/// Hands the token to git without writing it anywhere: an inline credential helper (git runs helpers that start with
/// <c>!</c> through the shell) prints it from the child's environment, and only when git asks for the one protocol and
/// host the job's clone URL names: a redirect or a rewritten URL to another host gets nothing. The helper text names the
/// variables, never the value, so the token is in no argument, URL, file or log line.
/// </summary>
internal static class GitCredentialHelper
{
    public const string TokenVariable = "WORKER_GIT_TOKEN";
    public const string HostVariable = "WORKER_GIT_HOST";
    public const string ProtocolVariable = "WORKER_GIT_PROTOCOL";

    public const string Script =
        "!f() { test \"$1\" = get || exit 0; p=; h=; " +
        "while IFS= read -r l && [ -n \"$l\" ]; do case \"$l\" in protocol=*) p=\"${l#protocol=}\";; host=*) h=\"${l#host=}\";; esac; done; " +
        "[ -n \"$" + TokenVariable + "\" ] && [ \"$p\" = \"$" + ProtocolVariable + "\" ] && [ \"$h\" = \"$" + HostVariable + "\" ] || exit 0; " +
        "echo username=x-access-token; echo \"password=$" + TokenVariable + "\"; }; f";

    /// <summary>The <c>-c</c> pairs: reset every helper configured anywhere, then, when there is a token for the remote, add ours.</summary>
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

    /// <summary>The variables the helper reads: the token and the one protocol and host it answers for.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Environment(GitRemoteUrl remote, string token) =>
    [
        new(TokenVariable, token),
        new(ProtocolVariable, remote.Protocol),
        new(HostVariable, remote.Host ?? ""),
    ];
}
