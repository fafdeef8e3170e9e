using AgentConductor.Common;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// Runs a conductor call, retrying transient failures (Polly) with <see cref="Backoff"/> delays on the injected
/// <see cref="TimeProvider"/> until <see cref="ConductorRetryOptions.MaxTotalWait"/> is used up (the last delay is cut to
/// what remains). Every failure leaves as a typed exception (see <see cref="ConductorFailures.Translate"/>).
/// </summary>
internal sealed partial class ConductorRetry
{
    private static readonly ResiliencePropertyKey<long> StartedAt = new("agent-conductor.conductor-call-started");

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ResiliencePipeline _pipeline;

    public ConductorRetry(ConductorRetryOptions options, TimeProvider timeProvider, Backoff backoff, ILogger logger)
    {
        _timeProvider = timeProvider;
        _logger = logger;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue, // bounded by MaxTotalWait instead
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is { } ex
                    && !args.Context.CancellationToken.IsCancellationRequested
                    && ConductorFailures.IsTransient(ex)
                    && Waited(args.Context) < options.MaxTotalWait),
                DelayGenerator = args =>
                {
                    var delay = backoff.Delay(args.AttemptNumber + 1, options.BaseDelay, options.MaxDelay);
                    var remaining = options.MaxTotalWait - Waited(args.Context);
                    return ValueTask.FromResult<TimeSpan?>(delay < remaining ? delay : remaining);
                },
                OnRetry = args =>
                {
                    Log.Retrying(logger, args.Context.OperationKey!, args.AttemptNumber + 1, StatusOf(args.Outcome.Exception!), args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="attempt"/> (given the number of retries so far) until it succeeds or fails for good.</summary>
    public async Task<T> ExecuteAsync<T>(string operation, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
        context.Properties.Set(StartedAt, _timeProvider.GetTimestamp());
        var attempts = 0;
        try
        {
            return await _pipeline.ExecuteAsync(async call => await attempt(attempts++, call.CancellationToken), context);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ConductorFailures.IsTransient(ex))
        {
            var waited = Waited(context);
            Log.GaveUp(_logger, operation, attempts, waited, StatusOf(ex));
            throw new ConductorUnreachableException(operation, attempts, waited, ex);
        }
        catch (Exception ex) when (ConductorFailures.Translate(operation, ex, attempts, Waited(context), cancellationToken) is { } translated)
        {
            throw translated;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Runs <paramref name="call"/> once; a failure leaves as a typed exception.</summary>
    public async Task<T> ExecuteOnceAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken);
        }
        catch (Exception ex) when (ConductorFailures.Translate(operation, ex, 1, TimeSpan.Zero, cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    private TimeSpan Waited(ResilienceContext context) => _timeProvider.GetElapsedTime(context.Properties.GetValue(StartedAt, 0L));

    private static StatusCode StatusOf(Exception exception) => exception is RpcException rpc ? rpc.StatusCode : StatusCode.Unavailable;

    private static partial class Log
    {
        [LoggerMessage(EventId = 20, EventName = "ConductorCallRetrying", Level = LogLevel.Warning,
            Message = "{Operation} attempt {Attempt} failed with {StatusCode}; retrying in {Delay}")]
        public static partial void Retrying(ILogger logger, string operation, int attempt, StatusCode statusCode, TimeSpan delay);

        [LoggerMessage(EventId = 21, EventName = "ConductorUnreachable", Level = LogLevel.Error,
            Message = "{Operation} gave up after {Attempts} attempts over {Waited}; last status {StatusCode}")]
        public static partial void GaveUp(ILogger logger, string operation, int attempts, TimeSpan waited, StatusCode statusCode);
    }
}
