using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// Runs a conductor call, retrying transient failures with <see cref="RetryBackoff.FullJitter"/> delays on
/// <see cref="TimeProvider"/> until <see cref="ConductorRetryOptions.MaxTotalWait"/> is used up. Every failure
/// leaves as a typed exception (see <see cref="ConductorFailures.Translate"/>).
/// </summary>
internal sealed partial class ConductorRetry(ConductorRetryOptions options, TimeProvider timeProvider, Func<double> jitter, ILogger logger)
{
    /// <summary>Runs <paramref name="attempt"/> (given the number of retries so far) until it succeeds or fails for good.</summary>
    public async Task<T> ExecuteAsync<T>(string operation, Func<int, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        for (var retries = 0; ; retries++)
        {
            Exception failure;
            try
            {
                return await attempt(retries, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ConductorFailures.IsTransient(ex))
            {
                failure = ex;
            }
            catch (Exception ex) when (ConductorFailures.Translate(operation, ex, retries + 1, timeProvider.GetElapsedTime(started), cancellationToken) is { } translated)
            {
                throw translated;
            }

            var waited = timeProvider.GetElapsedTime(started);
            var remaining = options.MaxTotalWait - waited;
            if (remaining <= TimeSpan.Zero)
            {
                Log.GaveUp(logger, operation, retries + 1, waited, StatusOf(failure));
                throw new ConductorUnreachableException(operation, retries + 1, waited, failure);
            }

            var delay = RetryBackoff.FullJitter(options.BaseDelay, options.MaxDelay, retries + 1, jitter());
            if (delay > remaining)
            {
                delay = remaining;
            }

            Log.Retrying(logger, operation, retries + 1, StatusOf(failure), delay);
            await Task.Delay(delay, timeProvider, cancellationToken);
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
