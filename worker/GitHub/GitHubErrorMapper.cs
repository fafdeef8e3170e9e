using System.Globalization;
using System.Net;
using System.Text.Json;

namespace AgentConductor.Worker.GitHub;

/// <summary>Turns a failed GitHub answer into the typed exception for its status (octokit-style).</summary>
internal static class GitHubErrorMapper
{
    private const int MaxQuotedBodyLength = 300;

    public static async Task<GitHubApiException> ToExceptionAsync(
        HttpResponseMessage response, string operation, string secret, RetryWaitContext wait, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var error = TryParse(text);
        var gitHubMessage = Scrub(error?.Message ?? Quote(text), secret);
        var errors = (error?.Errors ?? []).Select(e => e with { Message = e.Message is null ? null : Scrub(e.Message, secret) }).ToList();
        var status = response.StatusCode;
        var message = Describe(operation, status, gitHubMessage, errors);

        if (IsRateLimit(response, gitHubMessage))
        {
            return new GitHubRateLimitException(message, status, gitHubMessage, RequestedWait(response, wait));
        }

        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new GitHubAuthorizationException(message, status, gitHubMessage),
            HttpStatusCode.NotFound => new GitHubNotFoundException(message, gitHubMessage),
            HttpStatusCode.UnprocessableEntity => new GitHubValidationException(message, gitHubMessage, errors),
            _ => new GitHubApiException(message, status, gitHubMessage),
        };
    }

    /// <summary>Primary limit: 403/429 with <c>x-ratelimit-remaining: 0</c>; secondary: 403/429 with <c>retry-after</c> or GitHub's message; any 429.</summary>
    private static bool IsRateLimit(HttpResponseMessage response, string? gitHubMessage) =>
        response.StatusCode == HttpStatusCode.TooManyRequests
        || (response.StatusCode == HttpStatusCode.Forbidden
            && (Header(response, "x-ratelimit-remaining") == "0"
                || response.Headers.RetryAfter is not null
                || gitHubMessage?.Contains("rate limit", StringComparison.OrdinalIgnoreCase) == true));

    /// <summary>
    /// What GitHub asked for: <c>retry-after</c>, else <c>x-ratelimit-reset</c> (epoch seconds) minus now when the limit is spent,
    /// else the secondary-limit minimum, doubled for each rate limit met in a row.
    /// </summary>
    internal static TimeSpan RequestedWait(HttpResponseMessage response, RetryWaitContext wait)
    {
        if (ServerRetryAfter(response, wait.Now) is { } retryAfter)
        {
            return retryAfter;
        }

        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var untilReset = DateTimeOffset.FromUnixTimeSeconds(reset) - wait.Now;
            return untilReset > TimeSpan.Zero ? untilReset : TimeSpan.Zero;
        }

        return wait.SecondaryRateLimitDelay * Math.Pow(2, Math.Min(wait.Attempt, 16));
    }

    /// <summary>The <c>Retry-After</c> header as a wait from <paramref name="now"/> (seconds or an HTTP date), or null.</summary>
    internal static TimeSpan? ServerRetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()?.Trim() : null;

    private static GitHubErrorResponse? TryParse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonSerializer.Deserialize(text, GitHubJsonContext.Default.GitHubErrorResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Quote(string text) =>
        text.Length == 0 ? null : text.Length <= MaxQuotedBodyLength ? text : string.Concat(text.AsSpan(0, MaxQuotedBodyLength), "…");

    private static string Describe(string operation, HttpStatusCode status, string? gitHubMessage, List<GitHubValidationError> errors)
    {
        var message = $"GitHub {operation} answered {(int)status} {status}";
        if (gitHubMessage is not null)
        {
            message += $": {gitHubMessage}";
        }

        var details = errors.Select(e => e.Message ?? $"{e.Resource}.{e.Field} {e.Code}").ToList();
        return details.Count == 0 ? message : $"{message} ({string.Join("; ", details)})";
    }

    /// <summary>GitHub does not echo tokens, but a proxy in front of an enterprise host might; the token never reaches a message.</summary>
    private static string? Scrub(string? text, string secret) =>
        text is null || secret.Length == 0 ? text : text.Replace(secret, "***", StringComparison.Ordinal);
}
