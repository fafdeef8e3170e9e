using System.Globalization;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// Sits under Octokit's <c>HttpClientAdapter</c> (as in the worker) and adds what Octokit lacks: the
/// <c>X-GitHub-Api-Version</c> header, a timeout per attempt and retries of 5xx answers, rate limits and transport
/// failures after the wait GitHub asked for (<c>Retry-After</c>, <c>x-ratelimit-reset</c>) or a jittered backoff, all on
/// the injected clock, and the caller's cancellation. A wait longer than <see cref="GitHubAppOptions.MaxRetryWait"/> is
/// not made: the answer goes back to Octokit, which turns it into its exception.
/// </summary>
internal sealed partial class GitHubAppHttpHandler(GitHubAppOptions options, TimeProvider time, ILogger<GitHubAppHttpHandler> logger, Random? random = null)
    : DelegatingHandler
{
    public const string ApiVersionHeader = "X-GitHub-Api-Version";
    public const string ApiVersion = "2022-11-28";

    private readonly Random _random = random ?? Random.Shared;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(request, body, operation, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutException && attempt < options.MaxRetries)
            {
                var backoff = Backoff(attempt);
                Log.RetryingTransportFailure(logger, operation, ex.GetType().Name, backoff, attempt + 1);
                await Task.Delay(backoff, time, cancellationToken);
                continue;
            }

            if (attempt >= options.MaxRetries || RetryWait(response, attempt) is not { } wait || wait > options.MaxRetryWait)
            {
                response.RequestMessage = request;
                return response;
            }

            Log.RetryingAnswer(logger, operation, (int)response.StatusCode, wait, attempt + 1);
            response.Dispose();
            await Task.Delay(wait, time, cancellationToken);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, byte[]? body, string operation, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.AttemptTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var copy = new HttpRequestMessage(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
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
            throw new TimeoutException($"GitHub {operation} gave no answer within {options.AttemptTimeout}.", ex);
        }
        catch
        {
            response?.Dispose();
            throw;
        }
    }

    /// <summary>The wait before retrying this answer, or null when it is a success or not worth retrying.</summary>
    private TimeSpan? RetryWait(HttpResponseMessage response, int attempt)
    {
        var status = (int)response.StatusCode;
        var now = time.GetUtcNow();
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        var limitSpent = response.Headers.TryGetValues("x-ratelimit-remaining", out var remaining) && remaining.FirstOrDefault() == "0";
        if (status == 429 || (status == 403 && (limitSpent || retryAfter is not null)))
        {
            if (retryAfter is not null)
            {
                return retryAfter;
            }

            return limitSpent && response.Headers.TryGetValues("x-ratelimit-reset", out var reset)
                && long.TryParse(reset.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                    ? TimeSpan.FromTicks(Math.Max(0, (DateTimeOffset.FromUnixTimeSeconds(epoch) - now).Ticks))
                    : Backoff(attempt);
        }

        return status >= 500 ? retryAfter ?? Backoff(attempt) : null;
    }

    /// <summary>Exponential with equal jitter: half the step fixed, half random.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var step = options.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 16));
        step = step > options.MaxRetryWait ? options.MaxRetryWait : step;
        return (step / 2) + (step / 2 * _random.NextDouble());
    }

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
