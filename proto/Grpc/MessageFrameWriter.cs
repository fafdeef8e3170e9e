using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>Writes one length-prefixed, uncompressed gRPC message straight into a buffer writer (no copy).</summary>
internal static class MessageFrameWriter
{
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

        var header = writer.GetSpan(GrpcProtocol.HeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)size);
        writer.Advance(GrpcProtocol.HeaderSize);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }
}
