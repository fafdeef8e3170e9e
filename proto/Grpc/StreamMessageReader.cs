using System.Buffers;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// Reads length-prefixed gRPC messages from a response <see cref="Stream"/> through one pooled buffer.
/// Reads fill the free part of the buffer, so a read may also bring in the start of the next message, but
/// the buffer only grows to hold the largest single message (bounded by the size limit, which is checked
/// from the prefix before the body is read). The buffer returns to the pool on dispose.
/// </summary>
internal sealed class StreamMessageReader(Stream stream, int? maxMessageSize) : IDisposable
{
    private const int InitialBufferSize = 128 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    private int _start;
    private int _end;

    /// <summary>Reads the next message, or returns null at a clean end of the stream.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        if (!await FillAsync(GrpcProtocol.HeaderSize, cancellationToken))
        {
            return _start == _end
                ? null
                : throw new RpcException(StatusCode.Internal, "Incomplete message: the stream ended inside a message prefix.");
        }

        var length = MessageFrameReader.ParseHeader(_buffer.AsSpan(_start, GrpcProtocol.HeaderSize), maxMessageSize);
        var frameLength = GrpcProtocol.HeaderSize + length;
        if (!await FillAsync(frameLength, cancellationToken))
        {
            throw new RpcException(StatusCode.Internal, "Incomplete message: the stream ended inside a message.");
        }

        T message;
        try
        {
            message = parser.ParseFrom(_buffer.AsSpan(_start + GrpcProtocol.HeaderSize, length));
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Failed to deserialize the message."), innerException: ex);
        }

        _start += frameLength;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return message;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Makes sure <paramref name="count"/> bytes are buffered from <c>_start</c>; false if the stream ends first.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_buffer.Length - _start < count)
        {
            MakeRoom(count);
        }

        while (_end - _start < count)
        {
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    private void MakeRoom(int count)
    {
        var buffered = _end - _start;
        if (_buffer.Length >= count)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, buffered);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(count, _buffer.Length * 2));
            Buffer.BlockCopy(_buffer, _start, larger, 0, buffered);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _start = 0;
        _end = buffered;
    }
}
