using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// Sits under Octokit's <c>HttpClientAdapter</c> and adds what Octokit lacks: the <c>X-GitHub-Api-Version</c> header,
/// a timeout per attempt, retries of rate limits, 5xx answers and transport failures after the wait GitHub asked for
/// (<c>Retry-After</c>, <c>x-ratelimit-reset</c>) or a jittered backoff, all on the injected clock, and cancellation by
/// the worker's token of the current <see cref="GitHubCall"/>. A final failed answer is handed back for Octokit to turn
/// into its exception.
/// </summary>
internal sealed partial class GitHubHttpHandler : DelegatingHandler
{
    public const string ApiVersionHeader = "X-GitHub-Api-Version";
    public const string ApiVersion = "2022-11-28";

    private readonly GitHubOptions _options;
    private readonly string _basePath;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Random _random;

    public GitHubHttpHandler(GitHubOptions options, Uri apiBase, TimeProvider timeProvider, ILogger<GitHubHttpHandler> logger, Random? random = null)
    {
        _options = options;
        _basePath = apiBase.AbsolutePath;
        _timeProvider = timeProvider;
        _logger = logger;
        _random = random ?? Random.Shared;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Octokit cancels a call after 100 s of wall clock, retry waits included. Inside a call the worker's token and
        // AttemptTimeout (on the injected clock) decide instead; a request outside any call keeps Octokit's token.
        var call = GitHubCall.Current;
        var token = call?.CancellationToken ?? cancellationToken;
        var operation = Operation(request);
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(token);
        for (var attempt = 0; ; attempt++)
        {
            if (call is not null)
            {
                (call.Operation, call.Attempts, call.RateLimitWait) = (operation, attempt + 1, null);
            }

            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, body, operation, token);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException && attempt < _options.MaxRetries)
            {
                var backoff = GitHubBackoff.Delay(attempt, _options.RetryBaseDelay, _options.MaxRetryWait, _random);
                Log.RetryingTransportFailure(_logger, operation, ex.GetType().Name, backoff, attempt + 1, _options.MaxRetries);
                await Task.Delay(backoff, _timeProvider, token);
                continue;
            }

            var wait = await RetryWaitAsync(response, attempt, call, token);
            if (wait is null || attempt >= _options.MaxRetries)
            {
                return Answer(request, response);
            }

            if (wait > _options.MaxRetryWait)
            {
                Log.WaitTooLong(_logger, operation, (int)response.StatusCode, wait.Value, _options.MaxRetryWait);
                return Answer(request, response);
            }

            Log.RetryingAnswer(_logger, operation, (int)response.StatusCode, wait.Value, attempt + 1, _options.MaxRetries);
            response.Dispose();
            await Task.Delay(wait.Value, _timeProvider, token);
        }
    }

    /// <summary>One attempt on a fresh copy of the request, its answer read whole, within <see cref="GitHubOptions.AttemptTimeout"/>.</summary>
    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, byte[]? body, string operation, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var copy = Copy(request, body);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(copy, linked.Token);
            await response.Content.LoadIntoBufferAsync(linked.Token);
            return response;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw new TimeoutException($"GitHub {operation} gave no answer within {_options.AttemptTimeout}.", ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>How long to wait before retrying this answer, or null when it is a success or not worth retrying.</summary>
    private async Task<TimeSpan?> RetryWaitAsync(HttpResponseMessage response, int attempt, GitHubCall? call, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var now = _timeProvider.GetUtcNow();
        if (status is 403 or 429 && GitHubRateLimit.IsRateLimit(response, await response.Content.ReadAsStringAsync(cancellationToken)))
        {
            var wait = GitHubRateLimit.RequestedWait(response, now, attempt, _options.SecondaryRateLimitDelay);
            if (call is not null)
            {
                call.RateLimitWait = wait;
            }

            return wait;
        }

        return status >= 500
            ? GitHubRateLimit.ServerRetryAfter(response, now) ?? GitHubBackoff.Delay(attempt, _options.RetryBaseDelay, _options.MaxRetryWait, _random)
            : null;
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        copy.Headers.Remove(ApiVersionHeader);
        copy.Headers.Add(ApiVersionHeader, ApiVersion);
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var (name, values) in request.Content!.Headers.Where(h => !string.Equals(h.Key, "Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                copy.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return copy;
    }

    /// <summary>Octokit reads its request's properties back from the answer (when it arrived), so the answer points at the original.</summary>
    private static HttpResponseMessage Answer(HttpRequestMessage request, HttpResponseMessage response)
    {
        response.RequestMessage = request;
        return response;
    }

    private string Operation(HttpRequestMessage request)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        return $"{request.Method} {(path.StartsWith(_basePath, StringComparison.Ordinal) ? path[_basePath.Length..] : path)}";
    }

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
