namespace AgentConductor.Worker.GitHub;

/// <summary>How the worker talks to GitHub (or GitHub Enterprise Server).</summary>
internal sealed class GitHubOptions
{
    /// <summary>REST API root: <c>https://api.github.com/</c>, or <c>https://host/api/v3/</c> for GitHub Enterprise Server.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.github.com/");

    /// <summary>The job's GitHub token. Set from the job's secrets at run time, never from a config file; never logged.</summary>
    public string Token { get; set; } = "";

    /// <summary>The product in the <c>User-Agent</c> header (Octokit appends its own); a token without spaces or slashes.</summary>
    public string UserAgent { get; set; } = "agent-conductor-worker";

    /// <summary>Retries after the first attempt for rate limits, 5xx answers and transport errors.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The longest single wait; GitHub asking for more turns into a <see cref="GitHubRateLimitException"/>.</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First step of the exponential backoff used when GitHub names no wait.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one request may take, answer included, before it counts as a transport failure and is retried.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>GitHub asks for at least a minute after a secondary rate limit that names no wait.</summary>
    public TimeSpan SecondaryRateLimitDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Every problem with these settings at once, so a bad configuration fails at startup with the full list.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!ApiBaseUrl.IsAbsoluteUri || ApiBaseUrl.Scheme is not ("https" or "http"))
        {
            problems.Add($"GitHub:ApiBaseUrl (GITHUB_API_URL) must be an absolute http(s) URL, got '{ApiBaseUrl}'.");
        }

        if (!System.Net.Http.Headers.ProductHeaderValue.TryParse(UserAgent, out var product) || product.Version is not null)
        {
            problems.Add($"GitHub:UserAgent must be a product name without spaces or slashes (GitHub rejects requests without one), got '{UserAgent}'.");
        }

        if (MaxRetries < 0)
        {
            problems.Add($"GitHub:MaxRetries must be 0 or more, got {MaxRetries}.");
        }

        if (MaxRetryWait <= TimeSpan.Zero || RetryBaseDelay <= TimeSpan.Zero || SecondaryRateLimitDelay <= TimeSpan.Zero || AttemptTimeout <= TimeSpan.Zero)
        {
            problems.Add("GitHub:MaxRetryWait, RetryBaseDelay, SecondaryRateLimitDelay and AttemptTimeout must be positive.");
        }

        return problems;
    }
}
