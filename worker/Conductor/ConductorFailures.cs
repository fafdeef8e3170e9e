using Grpc.Core;

namespace AgentConductor.Worker.Conductor;

/// <summary>Which failures of a conductor call are worth retrying, and what a failed call throws.</summary>
internal static class ConductorFailures
{
    /// <summary>
    /// Transient: the conductor may answer differently soon. UNAVAILABLE (not listening, restarting, a proxy's
    /// 502/503/504/429), DEADLINE_EXCEEDED (an attempt's deadline), RESOURCE_EXHAUSTED (overloaded; the messages
    /// of this protocol are far below the size limits), ABORTED, and CANCELLED when the caller did not cancel
    /// (the server reset the stream, e.g. while shutting down). Everything else is an answer: retrying repeats it.
    /// </summary>
    public static bool IsTransient(StatusCode statusCode) => statusCode
        is StatusCode.Unavailable
        or StatusCode.DeadlineExceeded
        or StatusCode.ResourceExhausted
        or StatusCode.Aborted
        or StatusCode.Cancelled;

    /// <summary>Whether a call's exception is transient (the caller's own cancellation is checked separately).</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RpcException rpc => IsTransient(rpc.StatusCode),
        HttpRequestException or IOException => true,
        _ => false,
    };

    /// <summary>
    /// What a failed call throws instead of <paramref name="exception"/>: <see cref="OperationCanceledException"/>
    /// when the caller cancelled, <see cref="ConductorUnreachableException"/> for a transient failure,
    /// <see cref="ConductorRejectedException"/> for any other status; null for anything else (rethrow it as is,
    /// e.g. an exception from the caller's own progress sequence).
    /// </summary>
    public static Exception? Translate(string operation, Exception exception, int attempts, TimeSpan waited, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return exception as OperationCanceledException
                ?? new OperationCanceledException($"{operation} was cancelled.", exception, cancellationToken);
        }

        if (IsTransient(exception))
        {
            return new ConductorUnreachableException(operation, attempts, waited, exception);
        }

        return exception is RpcException rpc ? new ConductorRejectedException(operation, rpc) : null;
    }
}
