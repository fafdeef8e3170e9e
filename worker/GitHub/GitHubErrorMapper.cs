using System.Net;
using AgentConductor.Worker.Secrets;
using Octokit;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// Turns Octokit's exceptions into the worker's few typed ones by status, with the rate-limit wait the handler measured
/// on the injected clock. Every text that came from the server passes the secret masker: GitHub does not echo tokens,
/// but a proxy in front of an enterprise host might.
/// </summary>
internal sealed class GitHubErrorMapper(ISecretMasker masker)
{
    private const int MaxQuotedBodyLength = 300;

    public GitHubApiException FromAnswer(ApiException exception, GitHubCall call)
    {
        var status = exception.StatusCode;
        var gitHubMessage = Scrub(Quote(exception.ApiError?.Message ?? exception.HttpResponse?.Body as string));
        var errors = (exception.ApiError?.Errors ?? [])
            .Select(e => new ApiErrorDetail(Scrub(e.Message), Scrub(e.Code), Scrub(e.Field), Scrub(e.Resource)))
            .ToList();
        var message = Describe(call.Operation, status, gitHubMessage, errors);
        if (call.RateLimitWait is { } wait && status is HttpStatusCode.Forbidden or HttpStatusCode.TooManyRequests)
        {
            return new GitHubRateLimitException(message, status, gitHubMessage, wait);
        }

        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new GitHubAuthorizationException(message, status, gitHubMessage),
            HttpStatusCode.NotFound => new GitHubNotFoundException(message, gitHubMessage),
            HttpStatusCode.UnprocessableEntity => new GitHubValidationException(message, gitHubMessage, errors),
            _ => new GitHubApiException(message, status, gitHubMessage),
        };
    }

    /// <summary>No answer at all (connection failures, attempts that timed out) once the retries are spent.</summary>
    public GitHubApiException FromTransport(Exception exception, GitHubCall call) =>
        new($"GitHub {call.Operation ?? "call"} failed after {call.Attempts} attempt{(call.Attempts == 1 ? "" : "s")}: {Scrub(exception.Message)}", null, null, exception);

    private static string? Quote(string? text) =>
        string.IsNullOrEmpty(text) ? null
        : text.Length <= MaxQuotedBodyLength ? text
        : string.Concat(text.AsSpan(0, MaxQuotedBodyLength), "…");

    private static string Describe(string? operation, HttpStatusCode status, string? gitHubMessage, List<ApiErrorDetail> errors)
    {
        var message = $"GitHub {operation ?? "call"} answered {(int)status} {status}";
        if (gitHubMessage is not null)
        {
            message += $": {gitHubMessage}";
        }

        var details = errors.Select(e => e.Message ?? $"{e.Resource}.{e.Field} {e.Code}").ToList();
        return details.Count == 0 ? message : $"{message} ({string.Join("; ", details)})";
    }

    private string? Scrub(string? text) => text is null ? null : masker.Mask(text);
}
