namespace AgentConductor.Worker.GitHub;

/// <summary>How the worker talks to GitHub (or GitHub Enterprise Server).</summary>
internal sealed class GitHubOptions
{
    /// <summary>REST API root: <c>https://api.github.com/</c>, or <c>https://host/api/v3/</c> for GitHub Enterprise Server.</summary>
    public Uri ApiBaseUrl { get; set; } = new("https://api.github.com/");

    /// <summary>The job's GitHub token. Set from the job's secrets at run time, never from a config file; never logged.</summary>
    public string Token { get; set; } = "";

    public string UserAgent { get; set; } = "agent-conductor-worker";

    /// <summary>Retries after the first attempt for rate limits, 5xx answers and transport errors.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>The longest single wait; GitHub asking for more turns into a <see cref="GitHubRateLimitException"/>.</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First step of the exponential backoff used when GitHub names no wait.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>GitHub asks for at least a minute after a secondary rate limit that names no wait.</summary>
    public TimeSpan SecondaryRateLimitDelay { get; set; } = TimeSpan.FromMinutes(1);
}
