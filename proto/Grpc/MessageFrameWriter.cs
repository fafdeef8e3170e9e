using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>Writes one length-prefixed, uncompressed gRPC message straight into a buffer writer (no copy).</summary>
internal static class MessageFrameWriter
{
    /// <summary>Messages up to this size are serialized into one contiguous span; larger ones piecewise.</summary>
    private const int ContiguousLimit = 256 * 1024;

    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the message is larger than <paramref name="maxMessageSize"/>.</exception>
    public static void WriteMessage(IBufferWriter<byte> writer, IMessage message, int? maxMessageSize)
    {
        var size = message.CalculateSize();
        if (size > maxMessageSize)
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Sending message exceeds the maximum configured message size ({size} > {maxMessageSize} bytes).");
        }

        if (size <= ContiguousLimit)
        {
            // One span for prefix and message: protobuf's fastest path, and a single Advance.
            var frame = writer.GetSpan(GrpcProtocol.HeaderSize + size);
            WriteHeader(frame, size);
            message.WriteTo(frame.Slice(GrpcProtocol.HeaderSize, size));
            writer.Advance(GrpcProtocol.HeaderSize + size);
            return;
        }

        WriteHeader(writer.GetSpan(GrpcProtocol.HeaderSize), size);
        writer.Advance(GrpcProtocol.HeaderSize);
        message.WriteTo(writer);
    }

    private static void WriteHeader(Span<byte> header, int size)
    {
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
    }
}
