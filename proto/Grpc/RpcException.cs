namespace AgentConductor.Proto.Grpc;

/// <summary>
/// A call ended with a status other than <see cref="StatusCode.OK"/>. Thrown by the client; thrown by a
/// server handler to end its call with this status (the detail is sent to the client as <c>grpc-message</c>).
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(StatusCode statusCode, string detail)
        : this(new Status(statusCode, detail), trailers: null, innerException: null)
    {
    }

    public RpcException(Status status, Metadata? trailers = null, Exception? innerException = null)
        : base($"Status(StatusCode=\"{status.StatusCode}\", Detail=\"{status.Detail}\")", innerException)
    {
        Status = status;
        Trailers = trailers ?? new Metadata();
    }

    /// <summary>The call's status.</summary>
    public Status Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The status detail (the decoded <c>grpc-message</c>).</summary>
    public string Detail => Status.Detail;

    /// <summary>Trailers received with the status (client) or to send with it (server).</summary>
    public Metadata Trailers { get; }
}
