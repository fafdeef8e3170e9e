namespace AgentConductor.Worker.Git;

/// <summary>
/// The one remote a worker-side git command may reach: its protocol (<c>https</c>, <c>http</c>, <c>ssh</c>, <c>git</c>,
/// <c>file</c>) is the only one git is allowed, and for http(s) its <see cref="Host"/> is the only one the credential
/// helper answers for. A URL that carries a password is refused: every argument of every process is readable in
/// <c>/proc/&lt;pid&gt;/cmdline</c>, the agent's user included.
/// </summary>
internal sealed record GitRemoteUrl
{
    private static readonly string[] Protocols = ["https", "http", "ssh", "git", "file"];

    private GitRemoteUrl(string url, string protocol, string? host)
    {
        Url = url;
        Protocol = protocol;
        Host = host;
    }

    public string Url { get; }

    /// <summary>git's name for the transport (<c>protocol.&lt;name&gt;.allow</c>).</summary>
    public string Protocol { get; }

    /// <summary>The host as git names it to a credential helper (<c>host[:port]</c>); null for local paths.</summary>
    public string? Host { get; }

    /// <summary>True when git may ask the credential helper (http and https).</summary>
    public bool TakesToken => Protocol is "https" or "http";

    /// <exception cref="ArgumentException">Not a URL or path git can use, or it carries a password.</exception>
    public static GitRemoteUrl Parse(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        // "transport::address" runs a remote helper of that name (ext:: runs any command): never for a clone URL.
        if (url.StartsWith('-') || url.Any(char.IsControl) || url.Contains("::", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{url}' is not a repository URL.", nameof(url));
        }

        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            var protocol = url[..scheme].ToLowerInvariant();
            if (protocol.StartsWith("ssh+", StringComparison.Ordinal) || protocol.EndsWith("+ssh", StringComparison.Ordinal))
            {
                protocol = "ssh";
            }

            if (!Protocols.Contains(protocol, StringComparer.Ordinal))
            {
                throw new ArgumentException($"'{url}': the worker clones over {string.Join(", ", Protocols)} only, not {protocol}.", nameof(url));
            }

            var rest = url[(scheme + 3)..];
            var authority = rest.Split('/', 2)[0];
            var at = authority.LastIndexOf('@');
            if (at >= 0 && authority[..at].Contains(':', StringComparison.Ordinal))
            {
                throw new ArgumentException($"the repository URL must not carry a password (the worker's own credential helper supplies the token).", nameof(url));
            }

            return new GitRemoteUrl(url, protocol, protocol == "file" ? null : authority[(at + 1)..]);
        }

        // scp-like ssh ("git@github.com:acme/app.git"): a colon before any slash.
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        var slash = url.IndexOf('/', StringComparison.Ordinal);
        if (colon > 0 && (slash < 0 || colon < slash))
        {
            var authority = url[..colon];
            return new GitRemoteUrl(url, "ssh", authority[(authority.LastIndexOf('@') + 1)..]);
        }

        return new GitRemoteUrl(url, "file", null);
    }

    /// <summary>A local repository, for commands that read the agent's workspace.</summary>
    public static GitRemoteUrl LocalPath(string path) => new(Path.GetFullPath(path), "file", null);
}
