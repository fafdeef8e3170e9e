using System.Net.Http.Headers;
using System.Text.Json;
using AgentConductor.Common;
using Polly;
using Polly.Retry;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// Calls one AWS service over its JSON protocol: <c>POST /</c> with <c>X-Amz-Target: {prefix}.{operation}</c>, signed
/// with SigV4, retried (Polly, waits from <see cref="Backoff"/>) per <see cref="AwsRetryPolicy"/> on throttling, 5xx and
/// transport failures. Errors become
/// <see cref="AwsException"/> subclasses. A request AWS refused because the local clock is off is signed again with
/// AWS's time and sent once more (<see cref="AwsClockSkew"/>), which is not counted as a retry. The ECS facade is a thin
/// layer over <see cref="SendAsync{TRequest, TResponse}"/> (AWSSDK.ECS does not restore here).
/// </summary>
internal sealed partial class AwsJsonClient(
    HttpClient http, AwsEndpoint endpoint, IAwsCredentials credentials, AwsRetryPolicy retry, TimeProvider time, ILogger logger, Backoff? backoff = null)
{
    private readonly AwsClockSkew _clock = new(time);
    private readonly ResiliencePipeline _retry = RetryPipeline(retry, backoff ?? Backoff.Random, time, logger, endpoint.Service.SigningName);

    /// <summary>AWS's clock minus the local one, as learned from refused requests.</summary>
    public TimeSpan ClockOffset => _clock.Offset;

    public AwsEndpoint Endpoint => endpoint;

    public async Task<TResponse> SendAsync<TRequest, TResponse>(string operation, TRequest request, JsonSerializerOptions json, CancellationToken cancellationToken)
        where TResponse : new()
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, json);
        var clockCorrected = false;
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        try
        {
            var body = await _retry.ExecuteAsync(
                async attempt =>
                {
                    var signedAt = _clock.UtcNow;
                    try
                    {
                        return await SendOnceAsync(operation, payload, signedAt, attempt.CancellationToken);
                    }
                    catch (AwsException ex) when (!clockCorrected && _clock.TryCorrect(ex, signedAt))
                    {
                        // Once per call, and not counted as a retry: the same request signed with AWS's time.
                        clockCorrected = true;
                        Log.ClockSkewCorrected(logger, endpoint.Service.SigningName, operation, _clock.Offset, ex.Code, ex.AwsMessage);
                        return await SendOnceAsync(operation, payload, _clock.UtcNow, attempt.CancellationToken);
                    }
                },
                context);
            return body.Length == 0 ? new TResponse() : JsonSerializer.Deserialize<TResponse>(body, json) ?? new TResponse();
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ResiliencePipeline RetryPipeline(AwsRetryPolicy retry, Backoff backoff, TimeProvider time, ILogger logger, string service) =>
        retry.MaxAttempts <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = retry.MaxAttempts - 1,
                    ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } ex && IsRetryable(ex, args.Context.CancellationToken)),
                    DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.Delay(args.AttemptNumber + 1, retry.BaseDelay, retry.MaxDelay)),
                    OnRetry = args =>
                    {
                        Log.Retrying(logger, service, args.Context.OperationKey!, args.AttemptNumber + 1, retry.MaxAttempts, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception!.Message);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();

    private async Task<byte[]> SendOnceAsync(string operation, byte[] payload, DateTimeOffset signedAt, CancellationToken cancellationToken)
    {
        using var message = await SignedRequestAsync(operation, payload, signedAt.UtcDateTime, cancellationToken);
        using var response = await http.SendAsync(message, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return body;
        }

        throw AwsErrorResponse.Parse(
            operation,
            response.StatusCode,
            HeaderValue(response, "x-amzn-query-error"),
            HeaderValue(response, "x-amzn-RequestId"),
            System.Text.Encoding.UTF8.GetString(body),
            response.Headers.Date);
    }

    private async Task<HttpRequestMessage> SignedRequestAsync(string operation, byte[] payload, DateTime signedAt, CancellationToken cancellationToken)
    {
        var credential = await credentials.GetAsync(cancellationToken);
        var service = endpoint.Service;
        var target = $"{service.TargetPrefix}.{operation}";
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["content-type"] = service.ContentType,
            ["host"] = endpoint.Url.Authority,
            [SigV4Request.DateHeader] = SigV4Request.FormatDate(signedAt),
            ["x-amz-target"] = target,
        };
        if (credential.UseToken)
        {
            headers[SigV4Request.SecurityTokenHeader] = credential.Token;
        }

        var authorization = SigV4Request.Authorization(
            credential, endpoint.Region, service.SigningName, signedAt, "POST", endpoint.Url, headers, SigV4Request.Hash(payload));

        var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(payload) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(service.ContentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        message.Headers.TryAddWithoutValidation("X-Amz-Date", headers[SigV4Request.DateHeader]);
        if (credential.UseToken)
        {
            message.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credential.Token);
        }

        message.Headers.TryAddWithoutValidation("Authorization", authorization);
        return message;
    }

    private static bool IsRetryable(Exception ex, CancellationToken cancellationToken) => ex switch
    {
        AwsException aws => aws.IsTransient,
        HttpRequestException => true,
        TaskCanceledException => !cancellationToken.IsCancellationRequested, // HttpClient's own timeout
        _ => false,
    };

    private static string? HeaderValue(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 670, EventName = "AwsRetrying", Level = LogLevel.Warning, Message = "{Service} {Operation} attempt {Attempt}/{MaxAttempts} failed, retrying in {DelayMs:F0} ms: {Reason}")]
        public static partial void Retrying(ILogger logger, string service, string operation, int attempt, int maxAttempts, double delayMs, string reason);

        [LoggerMessage(EventId = 671, EventName = "AwsClockSkewCorrected", Level = LogLevel.Warning, Message = "{Service} {Operation} was refused for the local clock ({Code}: {Reason}); AWS's clock is {Offset} from ours, signing with it from now on and sending again. Fix the host's time (NTP).")]
        public static partial void ClockSkewCorrected(ILogger logger, string service, string operation, TimeSpan offset, string code, string reason);
    }
}
