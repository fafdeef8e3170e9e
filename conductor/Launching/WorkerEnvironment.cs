namespace AgentConductor.Conductor.Launching;

/// <summary>
/// What of the conductor's own environment a local worker gets: an allowlist, never the whole of it (which may hold the
/// conductor's AWS credentials, its API key, its database settings). The worker's own settings (docs/worker.md), what
/// running a program needs (PATH, HOME, the locale, TZ, TMPDIR, the .NET host's <c>DOTNET_*</c>), what reaching a remote
/// may need (proxies, CA certificates, an SSH agent), and the names an operator adds (<c>LocalLauncher:PassEnvironment</c>).
/// The launch's own variables (<see cref="LaunchRequest.WorkerVariables"/>) come on top.
/// </summary>
internal static class WorkerEnvironment
{
    /// <summary>Names handed on as they are, when the conductor has them.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR",
        "GITHUB_TOKEN", "GITHUB_API_URL", "GITHUB_REPOSITORY", "CODEX_API_KEY", "PR_DRAFT", "WORK_DIR",
        "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR", "SSH_AUTH_SOCK",
    ];

    /// <summary>Prefixes handed on: the locale, the worker's settings sections, the .NET host's variables.</summary>
    public static readonly IReadOnlyList<string> Prefixes = ["LC_", "Agent__", "Git__", "DOTNET_"];

    /// <summary>The allowed variables of <paramref name="conductor"/>, plus the names in <paramref name="passed"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> From(IReadOnlyDictionary<string, string> conductor, IEnumerable<string> passed)
    {
        var extra = new HashSet<string>(passed, StringComparer.Ordinal);
        return conductor.Where(v => Names.Contains(v.Key, StringComparer.Ordinal) || extra.Contains(v.Key)
            || Prefixes.Any(p => v.Key.StartsWith(p, StringComparison.Ordinal)));
    }

    /// <summary>This process's environment.</summary>
    public static IReadOnlyDictionary<string, string> OfConductor() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
}
