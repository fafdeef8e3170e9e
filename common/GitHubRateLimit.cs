using System.Globalization;
using System.Net;
using System.Text.Json;
namespace AgentConductor.Common;

/// <summary>
/// GitHub's rate-limit answers and the waits they ask for, measured from a given instant (the injected clock's now); this
/// file is compiled into the worker and the conductor (its GitHub App calls).
/// </summary>
internal static class GitHubRateLimit
{
    /// <summary>
    /// Any 429; a 403 with <c>x-ratelimit-remaining: 0</c> (primary limit), with <c>retry-after</c>, or whose message
    /// names a rate limit or, in older servers' words, abuse detection (secondary limit). Any other 403 is a permission problem.
    /// </summary>
    public static bool IsRateLimit(HttpResponseMessage response, string body) =>
        IsRateLimitByHeaders(response)
        || (response.StatusCode == HttpStatusCode.Forbidden && Message(body) is { } message
            && (message.Contains("rate limit", StringComparison.OrdinalIgnoreCase) || message.Contains("abuse detection", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Any 429; a 403 with <c>x-ratelimit-remaining: 0</c> or with <c>retry-after</c>.</summary>
    public static bool IsRateLimitByHeaders(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.TooManyRequests
        || (response.StatusCode == HttpStatusCode.Forbidden && (LimitSpent(response) || response.Headers.RetryAfter is not null));

    /// <summary>
    /// What GitHub asked for: <c>retry-after</c>, else <c>x-ratelimit-reset</c> (epoch seconds) minus now when the limit is
    /// spent, else the secondary-limit minimum, doubled for each rate limit met in a row.
    /// </summary>
    public static TimeSpan RequestedWait(HttpResponseMessage response, DateTimeOffset now, int attempt, TimeSpan secondaryRateLimitDelay) =>
        HeaderWait(response, now) ?? Backoff.Ceiling(attempt + 1, secondaryRateLimitDelay, TimeSpan.MaxValue); // GitHub's minimum: no jitter, no cap

    /// <summary>The wait the headers name: <c>retry-after</c>, else the time until <c>x-ratelimit-reset</c> when the limit is spent; or null.</summary>
    public static TimeSpan? HeaderWait(HttpResponseMessage response, DateTimeOffset now)
    {
        if (ServerRetryAfter(response, now) is { } retryAfter)
        {
            return retryAfter;
        }

        if (LimitSpent(response)
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var untilReset = DateTimeOffset.FromUnixTimeSeconds(reset) - now;
            return untilReset > TimeSpan.Zero ? untilReset : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>The <c>Retry-After</c> header as a wait from <paramref name="now"/> (seconds or an HTTP date), or null.</summary>
    public static TimeSpan? ServerRetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static bool LimitSpent(HttpResponseMessage response) => Header(response, "x-ratelimit-remaining") == "0";

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
