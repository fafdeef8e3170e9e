namespace AgentConductor.Worker.Processes;

/// <summary>
/// Starts a program as another user through <c>setpriv</c> (util-linux): real and effective uid and gid set, no
/// supplementary groups, and <c>no_new_privs</c>, so neither the program nor anything it starts can gain privileges
/// (no set-uid binary, no file capabilities). Switching from root to another uid clears every capability the child had.
/// </summary>
internal static class UserSwitch
{
    private const string Installed = "/usr/bin/setpriv";

    /// <summary><c>/usr/bin/setpriv</c>, or <c>setpriv</c> looked up on PATH where it lives elsewhere.</summary>
    public static string Program => File.Exists(Installed) ? Installed : "setpriv";

    /// <summary>The arguments that run <paramref name="program"/> as <paramref name="user"/>: setpriv's, then the program's.</summary>
    public static IReadOnlyList<string> Arguments(ProcessUser user, string program, IEnumerable<string> arguments) =>
    [
        $"--reuid={user.Uid}", $"--regid={user.Gid}", "--clear-groups", "--no-new-privs", "--",
        program, .. arguments,
    ];

    /// <summary>The same as one shell command line (for git's <c>--upload-pack</c>, which git runs through the shell).</summary>
    public static string CommandLine(ProcessUser user, string program, params string[] arguments) =>
        string.Join(' ', new[] { Program }.Concat(Arguments(user, program, arguments)).Select(ShellQuote));

    private static string ShellQuote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
