using AgentConductor.Common;
using Polly;
using Polly.Retry;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// Sits under Octokit's <c>HttpClientAdapter</c> (as in the worker) and adds what Octokit lacks: the
/// <c>X-GitHub-Api-Version</c> header, a timeout per attempt and retries of 5xx answers, rate limits and transport
/// failures (Polly) after the wait GitHub asked for (<c>Retry-After</c>, <c>x-ratelimit-reset</c>) or a <see cref="Backoff"/>,
/// all on the injected clock, and the caller's cancellation. A wait longer than <see cref="GitHubAppOptions.MaxRetryWait"/> is
/// not made: the answer goes back to Octokit, which turns it into its exception.
/// </summary>
internal sealed partial class GitHubAppHttpHandler : DelegatingHandler
{
    /// <summary>The wait the last answer asked for (or its backoff), or none when it is not worth retrying.</summary>
    private static readonly ResiliencePropertyKey<TimeSpan?> AnswerWait = new("agent-conductor.github-answer-wait");

    private readonly GitHubAppOptions _options;
    private readonly TimeProvider _time;
    private readonly Backoff _backoff;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    public GitHubAppHttpHandler(GitHubAppOptions options, TimeProvider time, ILogger<GitHubAppHttpHandler> logger, Backoff? backoff = null)
    {
        _options = options;
        _time = time;
        _backoff = backoff ?? Backoff.Random;
        _retry = options.MaxRetries == 0
            ? ResiliencePipeline<HttpResponseMessage>.Empty
            : new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
                {
                    MaxRetryAttempts = options.MaxRetries,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TimeoutException
                        || (args.Outcome.Result is not null && args.Context.Properties.GetValue(AnswerWait, null) is { } wait && wait <= options.MaxRetryWait)),
                    DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is null
                        ? BackoffAfter(args.AttemptNumber)
                        : args.Context.Properties.GetValue(AnswerWait, null)),
                    OnRetry = args =>
                    {
                        if (args.Outcome.Exception is { } ex)
                        {
                            Log.RetryingTransportFailure(logger, args.Context.OperationKey!, ex.GetType().Name, args.RetryDelay, args.AttemptNumber + 1);
                        }
                        else
                        {
                            Log.RetryingAnswer(logger, args.Context.OperationKey!, (int)args.Outcome.Result!.StatusCode, args.RetryDelay, args.AttemptNumber + 1);
                        }

                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        try
        {
            var response = await _retry.ExecuteAsync(
                async attempt =>
                {
                    var answer = await SendOnceAsync(request, body, operation, attempt.CancellationToken);
                    attempt.Properties.Set(AnswerWait, RetryWait(answer, attempts++));
                    return answer;
                },
                context);
            response.RequestMessage = request;
            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, byte[]? body, string operation, CancellationToken cancellationToken) =>
        GitHubAttempt.SendAsync((copy, token) => base.SendAsync(copy, token), request, body, operation, _options.AttemptTimeout, _time, cancellationToken);

    /// <summary>The wait before retrying this answer, or null when it is a success or not worth retrying.</summary>
    private TimeSpan? RetryWait(HttpResponseMessage response, int attempt)
    {
        var now = _time.GetUtcNow();
        if (GitHubRateLimit.IsRateLimitByHeaders(response))
        {
            return GitHubRateLimit.HeaderWait(response, now) ?? BackoffAfter(attempt);
        }

        return (int)response.StatusCode >= 500 ? GitHubRateLimit.ServerRetryAfter(response, now) ?? BackoffAfter(attempt) : null;
    }

    /// <summary>The backoff before the retry that follows attempt <paramref name="attempt"/> (0 for the first).</summary>
    private TimeSpan BackoffAfter(int attempt) => _backoff.Delay(attempt + 1, _options.RetryBaseDelay, _options.MaxRetryWait);

    private static partial class Log
    {
        [LoggerMessage(EventId = 480, EventName = "GitHubAppRetryingAnswer", Level = LogLevel.Warning,
            Message = "GitHub {Operation} answered {StatusCode}; retrying in {Wait} (retry {Retry})")]
        public static partial void RetryingAnswer(ILogger logger, string operation, int statusCode, TimeSpan wait, int retry);

        [LoggerMessage(EventId = 481, EventName = "GitHubAppRetryingTransportFailure", Level = LogLevel.Warning,
            Message = "GitHub {Operation} failed with {ErrorType}; retrying in {Wait} (retry {Retry})")]
        public static partial void RetryingTransportFailure(ILogger logger, string operation, string errorType, TimeSpan wait, int retry);
    }
}
