using System.Net;

namespace AgentConductor.Proto.Grpc;

/// <summary>How a client reads failures that are not a <c>grpc-status</c> (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcStatusMapping
{
    /// <summary>The HTTP-to-gRPC status mapping for responses whose HTTP status is not 200.</summary>
    public static StatusCode FromHttpStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest => StatusCode.Internal,
        HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
        HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
        HttpStatusCode.NotFound => StatusCode.Unimplemented,
        HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>The status for an HTTP/2 RST_STREAM error code.</summary>
    public static StatusCode FromHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM
        0x8 => StatusCode.Cancelled, // CANCEL
        0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xC => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal, // NO_ERROR, PROTOCOL_ERROR, INTERNAL_ERROR, FLOW_CONTROL_ERROR, ...
    };
}
