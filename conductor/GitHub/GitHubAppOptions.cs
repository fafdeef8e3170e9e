namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// A GitHub App the conductor mints per-job installation tokens with. Without <see cref="AppId"/> and
/// <see cref="AppPrivateKeyPath"/> no App is used and workers keep the <c>GITHUB_TOKEN</c> of their environment.
/// </summary>
internal sealed class GitHubAppOptions
{
    public const string Section = "GitHub";

    /// <summary>The App's id (numeric) or client id (<c>Iv1.…</c>): the JWT's <c>iss</c>.</summary>
    public string? AppId { get; set; }

    /// <summary>The App's private key as GitHub hands it out: a PEM file, PKCS#1 or PKCS#8, unencrypted. Read at startup.</summary>
    public string? AppPrivateKeyPath { get; set; }

    /// <summary>The installation to mint from; when unset it is looked up per repository (<c>GET /repos/{owner}/{repo}/installation</c>).</summary>
    public long? InstallationId { get; set; }

    /// <summary>REST API root: <c>https://api.github.com/</c>, or <c>https://host/api/v3/</c> for GitHub Enterprise Server.</summary>
    public Uri ApiUrl { get; set; } = new("https://api.github.com/");

    /// <summary>
    /// What each token may do. Workers need <c>contents: write</c> (push) and <c>pull_requests: write</c> (open, update,
    /// comment on and read pull requests); add others (<c>issues: write</c>, <c>checks: read</c>) as needed. Names and
    /// levels are GitHub's; the App must have been granted each of them.
    /// </summary>
    public Dictionary<string, string> Permissions { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["contents"] = "write",
        ["pull_requests"] = "write",
    };

    /// <summary>The product in the <c>User-Agent</c> header (GitHub rejects requests without one).</summary>
    public string UserAgent { get; set; } = "agent-conductor";

    /// <summary>Retries after the first attempt for 5xx answers, rate limits and transport errors.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>How long one request may take; a handshake waits for the token, so keep it well under the worker's 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>First step of the jittered exponential backoff between retries.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait before a retry; GitHub asking for more fails the handshake as retryable (the worker asks again).</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>True when an App is configured (either setting given); the validator then requires both.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(AppId) || !string.IsNullOrWhiteSpace(AppPrivateKeyPath);
}
