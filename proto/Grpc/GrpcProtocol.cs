namespace AgentConductor.Proto.Grpc;

/// <summary>Names and constants of the gRPC-over-HTTP/2 protocol (PROTOCOL-HTTP2.md).</summary>
internal static class GrpcProtocol
{
    public const string ContentType = "application/grpc";
    public const string StatusHeader = "grpc-status";
    public const string MessageHeader = "grpc-message";
    public const string TimeoutHeader = "grpc-timeout";
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string IdentityEncoding = "identity";
    public const string UserAgent = "grpc-dotnet-agentconductor/1.0";

    /// <summary>Compressed flag (1 byte) + message length (4 bytes, big-endian).</summary>
    public const int HeaderSize = 5;

    /// <summary>The default limit for received messages (4 MiB), as in other gRPC implementations.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// True for <c>application/grpc</c>, <c>application/grpc+proto</c> and either with parameters
    /// (<c>application/grpc;charset=...</c>); false for other subtypes such as <c>application/grpc+json</c>.
    /// </summary>
    public static bool IsGrpcContentType(string? contentType)
    {
        if (contentType is null || !contentType.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = contentType.AsSpan(ContentType.Length);
        if (rest.StartsWith("+proto", StringComparison.OrdinalIgnoreCase))
        {
            rest = rest["+proto".Length..];
        }

        return rest.IsEmpty || rest[0] == ';';
    }
}
