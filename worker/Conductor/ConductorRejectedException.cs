using Grpc.Core;

namespace AgentConductor.Worker.Conductor;

/// <summary>
/// The conductor answered a call with a status that retrying cannot fix (UNAUTHENTICATED, PERMISSION_DENIED,
/// FAILED_PRECONDITION, INVALID_ARGUMENT, NOT_FOUND, UNIMPLEMENTED, INTERNAL ...). Thrown at once, without retries.
/// </summary>
internal sealed class ConductorRejectedException : Exception
{
    public ConductorRejectedException(string operation, RpcException innerException)
        : base($"The conductor rejected {operation}: {innerException.StatusCode} ({innerException.Status.Detail})", innerException)
    {
        Operation = operation;
        StatusCode = innerException.StatusCode;
        Detail = innerException.Status.Detail;
    }

    /// <summary>The rpc, e.g. <c>Handshake</c>.</summary>
    public string Operation { get; }

    /// <summary>The status the conductor answered with.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status detail (<c>grpc-message</c>).</summary>
    public string Detail { get; }
}
