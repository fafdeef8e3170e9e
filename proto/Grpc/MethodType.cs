namespace AgentConductor.Proto.Grpc;

/// <summary>The shape of an rpc.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary = 0,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming = 1,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming = 2,

    /// <summary>Streams both ways (not supported by this layer yet).</summary>
    DuplexStreaming = 3,
}
