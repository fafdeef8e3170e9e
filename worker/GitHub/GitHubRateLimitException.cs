using System.Net;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// 403 or 429 from a primary (<c>x-ratelimit-remaining: 0</c>) or secondary rate limit.
/// <see cref="RetryAfter"/> is how long GitHub asked us to wait, measured from when the answer arrived.
/// </summary>
internal sealed class GitHubRateLimitException(string message, HttpStatusCode statusCode, string? gitHubMessage, TimeSpan retryAfter)
    : GitHubApiException(message, statusCode, gitHubMessage)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
