using Microsoft.AspNetCore.Http;

namespace AgentConductor.Proto.Grpc;

/// <summary>What a server handler knows about its call, and how it sets the call's status and trailers.</summary>
public abstract class ServerCallContext
{
    /// <summary>The method path, e.g. <c>/agentconductor.v1.WorkerService/Handshake</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The remote address, e.g. <c>ipv4:127.0.0.1:51234</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>When the call's deadline expires (UTC); <see cref="DateTime.MaxValue"/> without a deadline.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>The request headers (including <c>authorization</c>).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Fires when the client cancels (RST_STREAM, disconnect) or the deadline expires.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>Trailers sent with the status.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The status sent when the handler returns normally (default OK). Throw <see cref="RpcException"/> instead to fail early.</summary>
    public abstract Status Status { get; set; }

    /// <summary>The underlying ASP.NET Core request.</summary>
    public abstract HttpContext GetHttpContext();
}
