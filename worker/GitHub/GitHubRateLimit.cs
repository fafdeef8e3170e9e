using System.Globalization;
using System.Net;
using System.Text.Json;
using AgentConductor.Common;

namespace AgentConductor.Worker.GitHub;

/// <summary>GitHub's rate-limit answers and the waits they ask for, measured from a given instant (the injected clock's now).</summary>
internal static class GitHubRateLimit
{
    /// <summary>
    /// Any 429; a 403 with <c>x-ratelimit-remaining: 0</c> (primary limit), with <c>retry-after</c>, or whose message
    /// names a rate limit (secondary limit). Any other 403 is a permission problem.
    /// </summary>
    public static bool IsRateLimit(HttpResponseMessage response, string body) =>
        response.StatusCode == HttpStatusCode.TooManyRequests
        || (response.StatusCode == HttpStatusCode.Forbidden
            && (Header(response, "x-ratelimit-remaining") == "0"
                || response.Headers.RetryAfter is not null
                || Message(body)?.Contains("rate limit", StringComparison.OrdinalIgnoreCase) == true));

    /// <summary>
    /// What GitHub asked for: <c>retry-after</c>, else <c>x-ratelimit-reset</c> (epoch seconds) minus now when the limit is
    /// spent, else the secondary-limit minimum, doubled for each rate limit met in a row.
    /// </summary>
    public static TimeSpan RequestedWait(HttpResponseMessage response, DateTimeOffset now, int attempt, TimeSpan secondaryRateLimitDelay)
    {
        if (ServerRetryAfter(response, now) is { } retryAfter)
        {
            return retryAfter;
        }

        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var untilReset = DateTimeOffset.FromUnixTimeSeconds(reset) - now;
            return untilReset > TimeSpan.Zero ? untilReset : TimeSpan.Zero;
        }

        return Backoff.Ceiling(attempt + 1, secondaryRateLimitDelay, TimeSpan.MaxValue); // GitHub's minimum: no jitter, no cap
    }

    /// <summary>The <c>Retry-After</c> header as a wait from <paramref name="now"/> (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? ServerRetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    /// <summary>The <c>message</c> of GitHub's error document, or the whole body when it is not one.</summary>
    private static string? Message(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                    ? message.GetString()
                    : body;
        }
        catch (JsonException)
        {
            return body;
        }
    }
}
