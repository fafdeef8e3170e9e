using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// Sends one GitHub REST request with the standard headers, relative to <see cref="GitHubOptions.ApiBaseUrl"/>, and retries
/// rate limits, 5xx answers and transport errors after the wait GitHub asked for (or a jittered backoff) on the given clock.
/// </summary>
internal sealed partial class GitHubConnection
{
    private const string MediaType = "application/vnd.github+json";
    private const string ApiVersion = "2022-11-28";

    private readonly HttpClient _httpClient;
    private readonly GitHubOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Uri _baseUri;
    private readonly Random _random;

    public GitHubConnection(HttpClient httpClient, GitHubOptions options, TimeProvider timeProvider, ILogger logger, Random? random = null)
    {
        _httpClient = httpClient;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _random = random ?? Random.Shared;
        _baseUri = WithTrailingSlash(options.ApiBaseUrl);
    }

    /// <summary>The API root with a trailing slash, so relative paths land under <c>/api/v3/</c> instead of replacing it.</summary>
    public static Uri WithTrailingSlash(Uri apiBaseUrl)
    {
        if (!apiBaseUrl.IsAbsoluteUri)
        {
            throw new ArgumentException("The GitHub API base URL must be absolute.", nameof(apiBaseUrl));
        }

        var text = apiBaseUrl.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }

    public async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method, string relativePath, TRequest? body, JsonTypeInfo<TRequest>? requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetriesAsync(method, relativePath, body, requestType, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await System.Text.Json.JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken)
            ?? throw new GitHubApiException($"GitHub {method} {relativePath} answered an empty document.", response.StatusCode, null);
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync<TRequest>(
        HttpMethod method, string relativePath, TRequest? body, JsonTypeInfo<TRequest>? requestType, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_options.Token))
        {
            throw new InvalidOperationException("The GitHub token is not set.");
        }

        var operation = $"{method} {relativePath.Split('?')[0]}";
        for (var attempt = 0; ; attempt++)
        {
            using var request = CreateRequest(method, relativePath, body, requestType);
            HttpResponseMessage response;
            try
            {
                response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
            {
                if (attempt >= _options.MaxRetries)
                {
                    throw new GitHubApiException($"GitHub {operation} failed after {attempt + 1} attempts: {ex.Message}", null, null, ex);
                }

                var backoff = GitHubBackoff.Delay(attempt, _options.RetryBaseDelay, _options.MaxRetryWait, _random);
                Log.RetryingTransportFailure(_logger, operation, ex.GetType().Name, backoff, attempt + 1, _options.MaxRetries);
                await Task.Delay(backoff, _timeProvider, cancellationToken);
                continue;
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var now = _timeProvider.GetUtcNow();
                var error = await GitHubErrorMapper.ToExceptionAsync(
                    response, operation, _options.Token, new RetryWaitContext(now, attempt, _options.SecondaryRateLimitDelay), cancellationToken);
                var wait = RetryWait(error, response, now, attempt);
                if (wait is null || attempt >= _options.MaxRetries)
                {
                    throw error;
                }

                if (wait > _options.MaxRetryWait)
                {
                    Log.WaitTooLong(_logger, operation, (int)response.StatusCode, wait.Value, _options.MaxRetryWait);
                    throw error;
                }

                Log.RetryingAnswer(_logger, operation, (int)response.StatusCode, wait.Value, attempt + 1, _options.MaxRetries);
                await Task.Delay(wait.Value, _timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>How long to wait before retrying <paramref name="error"/>, or null when it is not worth retrying.</summary>
    private TimeSpan? RetryWait(GitHubApiException error, HttpResponseMessage response, DateTimeOffset now, int attempt)
    {
        if (error is GitHubRateLimitException rateLimit)
        {
            return rateLimit.RetryAfter;
        }

        if ((int)response.StatusCode >= 500)
        {
            return GitHubErrorMapper.ServerRetryAfter(response, now)
                ?? GitHubBackoff.Delay(attempt, _options.RetryBaseDelay, _options.MaxRetryWait, _random);
        }

        return null;
    }

    private HttpRequestMessage CreateRequest<TRequest>(HttpMethod method, string relativePath, TRequest? body, JsonTypeInfo<TRequest>? requestType)
    {
        var request = new HttpRequestMessage(method, new Uri(_baseUri, relativePath));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaType));
        request.Headers.Add("X-GitHub-Api-Version", ApiVersion);
        request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
        if (body is not null && requestType is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body, requestType);
        }

        return request;
    }

    /// <summary>Connection failures and HttpClient's own timeout; not the caller's cancellation.</summary>
    private static bool IsTransportFailure(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "GitHubRetryingAnswer", Level = LogLevel.Warning,
            Message = "GitHub {Operation} answered {StatusCode}; retrying in {Wait} (retry {Retry} of {MaxRetries})")]
        public static partial void RetryingAnswer(ILogger logger, string operation, int statusCode, TimeSpan wait, int retry, int maxRetries);

        [LoggerMessage(EventId = 2, EventName = "GitHubRetryingTransportFailure", Level = LogLevel.Warning,
            Message = "GitHub {Operation} failed with {ErrorType}; retrying in {Wait} (retry {Retry} of {MaxRetries})")]
        public static partial void RetryingTransportFailure(ILogger logger, string operation, string errorType, TimeSpan wait, int retry, int maxRetries);

        [LoggerMessage(EventId = 3, EventName = "GitHubWaitTooLong", Level = LogLevel.Error,
            Message = "GitHub {Operation} answered {StatusCode} and asked for a wait of {Wait}, longer than the allowed {MaxWait}")]
        public static partial void WaitTooLong(ILogger logger, string operation, int statusCode, TimeSpan wait, TimeSpan maxWait);
    }
}
