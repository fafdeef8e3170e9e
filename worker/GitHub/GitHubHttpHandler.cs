using AgentConductor.Common;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// Sits under Octokit's <c>HttpClientAdapter</c> and adds what Octokit lacks: the <c>X-GitHub-Api-Version</c> header,
/// a timeout per attempt, retries of rate limits, 5xx answers and transport failures after the wait GitHub asked for
/// (<c>Retry-After</c>, <c>x-ratelimit-reset</c>) or a <see cref="Backoff"/>, retried by Polly on the injected clock, and cancellation by
/// the worker's token of the current <see cref="GitHubCall"/>. A final failed answer is handed back for Octokit to turn
/// into its exception.
/// </summary>
internal sealed partial class GitHubHttpHandler : DelegatingHandler
{
    /// <summary>The wait the last answer asked for (or its backoff), or none when it is not worth retrying.</summary>
    private static readonly ResiliencePropertyKey<TimeSpan?> AnswerWait = new("agent-conductor.github-answer-wait");

    private readonly GitHubOptions _options;
    private readonly Uri _apiBase;
    private readonly string _basePath;
    private readonly ILogger<GitHubHttpHandler> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly Backoff _backoff;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    public GitHubHttpHandler(GitHubOptions options, Uri apiBase, TimeProvider timeProvider, ILogger<GitHubHttpHandler> logger, Backoff? backoff = null)
    {
        _options = options;
        _apiBase = apiBase;
        _basePath = apiBase.AbsolutePath;
        _logger = logger;
        _timeProvider = timeProvider;
        _backoff = backoff ?? Backoff.Random;
        _retry = options.MaxRetries == 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = options.MaxRetries,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, args.AttemptNumber, logger)),
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is null
                        ? BackoffAfter(args.AttemptNumber)
                        : args.Context.Properties.GetValue(AnswerWait, null)),
                    OnRetry = args =>
                    {
                        if (args.Outcome.Exception is { } ex)
                        {
                            Log.RetryingTransportFailure(logger, args.Context.OperationKey!, ex.GetType().Name, args.RetryDelay, args.AttemptNumber + 1, options.MaxRetries);
                        }
                        else
                        {
                            Log.RetryingAnswer(logger, args.Context.OperationKey!, (int)args.Outcome.Result!.StatusCode, args.RetryDelay, args.AttemptNumber + 1, options.MaxRetries);
                        }

                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Octokit cancels a call after 100 s of wall clock, retry waits included. Inside a call the worker's token and
        // AttemptTimeout (on the injected clock) decide instead; a request outside any call keeps Octokit's token.
        var call = GitHubCall.Current;
        var token = call?.CancellationToken ?? cancellationToken;
        var operation = Operation(request);
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(token);
        var attempts = 0;
        var started = _timeProvider.GetUtcNow();
        var context = ResilienceContextPool.Shared.Get(operation, token);
        try
        {
            var response = await _retry.ExecuteAsync(
                async attempt =>
                {
                    var number = attempts++;
                    if (call is not null)
                    {
                        (call.Operation, call.Attempts, call.RateLimitWait) = (operation, number + 1, null);
                    }

                    if (number > 0 && call?.StoredCopy is { } copy && await FindStoredAsync(request, copy, started, operation, attempt.CancellationToken) is { } stored)
                    {
                        attempt.Properties.Set(AnswerWait, null);
                        return stored;
                    }

                    var answer = await SendOnceAsync(request, body, operation, attempt.CancellationToken);
                    try
                    {
                        attempt.Properties.Set(AnswerWait, await RetryWaitAsync(answer, number, call, attempt.CancellationToken));
                        return answer;
                    }
                    catch
                    {
                        answer.Dispose();
                        throw;
                    }
                },
                context);
            return Answer(request, response);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Transport failures are retried; answers when they named a wait no longer than <see cref="GitHubOptions.MaxRetryWait"/>.</summary>
    private bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, int attempt, ILogger logger)
    {
        if (outcome.Exception is HttpRequestException or TimeoutException)
        {
            return true;
        }

        if (outcome.Result is not { } response || context.Properties.GetValue(AnswerWait, null) is not { } wait)
        {
            return false;
        }

        if (wait <= _options.MaxRetryWait)
        {
            return true;
        }

        if (attempt < _options.MaxRetries)
        {
            Log.WaitTooLong(logger, context.OperationKey!, (int)response.StatusCode, wait, _options.MaxRetryWait);
        }

        return false;
    }

    /// <summary>The backoff before the retry that follows attempt <paramref name="attempt"/> (0 for the first).</summary>
    private TimeSpan BackoffAfter(int attempt) => _backoff.Delay(attempt + 1, _options.RetryBaseDelay, _options.MaxRetryWait);

    /// <summary>One attempt on a fresh copy of the request, its answer read whole, within <see cref="GitHubOptions.AttemptTimeout"/>.</summary>
    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, byte[]? body, string operation, CancellationToken cancellationToken) =>
        GitHubAttempt.SendAsync((copy, token) => base.SendAsync(copy, token), request, body, operation, _options.AttemptTimeout, _timeProvider, cancellationToken);

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
            ? GitHubRateLimit.ServerRetryAfter(response, now) ?? BackoffAfter(attempt)
            : null;
    }

    /// <summary>Octokit reads its request's properties back from the answer (when it arrived), so the answer points at the original.</summary>
    private static HttpResponseMessage Answer(HttpRequestMessage request, HttpResponseMessage response)
    {
        response.RequestMessage = request;
        return response;
    }

    /// <summary>
    /// What the earlier attempt of a create call stored though its answer failed, as the create's answer; null when the list
    /// shows nothing of it or cannot be read (the create is then sent again).
    /// </summary>
    private async Task<HttpResponseMessage?> FindStoredAsync(HttpRequestMessage create, StoredCopy copy, DateTimeOffset started, string operation, CancellationToken cancellationToken)
    {
        using var list = new HttpRequestMessage(HttpMethod.Get, new Uri(_apiBase, copy.ListQuery(started)));
        foreach (var (name, values) in create.Headers)
        {
            list.Headers.TryAddWithoutValidation(name, values);
        }

        try
        {
            using var answer = await SendOnceAsync(list, null, $"GET {copy.ListPath}", cancellationToken);
            if (!answer.IsSuccessStatusCode)
            {
                Log.StoredCopyUnknown(_logger, operation, $"listing answered {(int)answer.StatusCode}");
                return null;
            }

            var found = copy.Find(await answer.Content.ReadAsStringAsync(cancellationToken));
            if (found is not null)
            {
                found.RequestMessage = create;
                Log.StoredCopyFound(_logger, operation);
            }

            return found;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or System.Text.Json.JsonException)
        {
            Log.StoredCopyUnknown(_logger, operation, ex.Message);
            return null;
        }
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

        [LoggerMessage(EventId = 4, EventName = "GitHubStoredCopyFound", Level = LogLevel.Information,
            Message = "GitHub {Operation} had stored what it was asked to create though its answer failed; not sending it again")]
        public static partial void StoredCopyFound(ILogger logger, string operation);

        [LoggerMessage(EventId = 5, EventName = "GitHubStoredCopyUnknown", Level = LogLevel.Warning,
            Message = "GitHub {Operation}: could not check whether the failed attempt had stored it ({Reason}); sending it again")]
        public static partial void StoredCopyUnknown(ILogger logger, string operation, string reason);
    }
}
