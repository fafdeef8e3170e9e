using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// Reads length-prefixed gRPC messages from a <see cref="PipeReader"/>, one at a time: it waits for the
/// 5-byte prefix, checks the size limit before buffering the body, then waits for exactly that body.
/// </summary>
internal static class MessageFrameReader
{
    /// <summary>Reads the next message, or returns null at a clean end of the stream.</summary>
    /// <exception cref="RpcException">
    /// RESOURCE_EXHAUSTED when the message is larger than <paramref name="maxMessageSize"/>; INTERNAL for a
    /// compressed or truncated message, or one that does not parse.
    /// </exception>
    public static async ValueTask<T?> ReadMessageAsync<T>(
        PipeReader reader, MessageParser<T> parser, int? maxMessageSize, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var result = await reader.ReadAtLeastAsync(GrpcProtocol.HeaderSize, cancellationToken);
        var buffer = result.Buffer;
        if (buffer.IsEmpty && result.IsCompleted)
        {
            reader.AdvanceTo(buffer.End);
            return null;
        }

        if (buffer.Length < GrpcProtocol.HeaderSize)
        {
            reader.AdvanceTo(buffer.Start, buffer.End);
            throw new RpcException(StatusCode.Internal, "Incomplete message: the stream ended inside a message prefix.");
        }

        var length = ReadHeader(buffer, maxMessageSize, reader);
        long frameLength = GrpcProtocol.HeaderSize + length;
        if (buffer.Length < frameLength)
        {
            reader.AdvanceTo(buffer.Start, buffer.End);
            result = await reader.ReadAtLeastAsync((int)frameLength, cancellationToken);
            buffer = result.Buffer;
            if (buffer.Length < frameLength)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw new RpcException(StatusCode.Internal, "Incomplete message: the stream ended inside a message.");
            }
        }

        T message;
        try
        {
            message = parser.ParseFrom(buffer.Slice(GrpcProtocol.HeaderSize, length));
        }
        catch (InvalidProtocolBufferException ex)
        {
            reader.AdvanceTo(buffer.Start, buffer.End);
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize the message."), innerException: ex);
        }

        reader.AdvanceTo(buffer.GetPosition(frameLength));
        return message;
    }

    private static int ReadHeader(ReadOnlySequence<byte> buffer, int? maxMessageSize, PipeReader reader)
    {
        Span<byte> header = stackalloc byte[GrpcProtocol.HeaderSize];
        buffer.Slice(0, GrpcProtocol.HeaderSize).CopyTo(header);
        try
        {
            return ParseHeader(header, maxMessageSize);
        }
        catch (RpcException)
        {
            reader.AdvanceTo(buffer.Start, buffer.End);
            throw;
        }
    }

    /// <summary>Validates a 5-byte message prefix and returns the message length.</summary>
    internal static int ParseHeader(ReadOnlySpan<byte> header, int? maxMessageSize)
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (header[0] == 1)
        {
            throw new RpcException(StatusCode.Internal, "Received a compressed message, but no message encoding was negotiated; only 'identity' is supported.");
        }

        if (header[0] != 0)
        {
            throw new RpcException(StatusCode.Internal, $"Invalid compressed flag {header[0]} in the message prefix.");
        }

        if (length > (uint)(maxMessageSize ?? int.MaxValue))
        {
            throw new RpcException(
                StatusCode.ResourceExhausted,
                $"Received message exceeds the maximum configured message size ({length} > {maxMessageSize} bytes).");
        }

        return (int)length;
    }
}
