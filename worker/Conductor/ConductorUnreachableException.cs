using Grpc.Core;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// A call failed transiently (conductor not listening, UNAVAILABLE, attempt deadline exceeded, a stream cut off)
/// and either its retry budget (<see cref="ConductorRetryOptions.MaxTotalWait"/>) is used up or the call is not
/// retried. The inner exception is the last failure.
/// </summary>
internal sealed class ConductorUnreachableException : Exception
{
    public ConductorUnreachableException(string operation, int attempts, TimeSpan waited, Exception innerException)
        : base($"The conductor could not be reached for {operation} after {attempts} attempt(s) over {waited}: {Describe(innerException)}", innerException)
    {
        Operation = operation;
        Attempts = attempts;
        Waited = waited;
    }

    /// <summary>The rpc, e.g. <c>Handshake</c>.</summary>
    public string Operation { get; }

    /// <summary>How many attempts were made.</summary>
    public int Attempts { get; }

    /// <summary>How long the call kept trying, from its first attempt to giving up.</summary>
    public TimeSpan Waited { get; }

    /// <summary>The status of the last failure (UNAVAILABLE for a refused connection).</summary>
    public StatusCode LastStatus => InnerException is RpcException rpc ? rpc.StatusCode : StatusCode.Unavailable;

    private static string Describe(Exception exception)
        => exception is RpcException rpc ? $"{rpc.StatusCode} ({rpc.Status.Detail})" : exception.Message;
}
