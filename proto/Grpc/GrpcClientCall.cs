using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using Google.Protobuf;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// One client call as one HTTP/2 request: sends the request, validates the response headers, reads
/// response messages one at a time from the body, and reads the status from the trailers (or from the
/// headers of a trailers-only response). Disposing an unfinished call resets the stream (RST_STREAM).
/// </summary>
internal sealed class GrpcClientCall<TRequest, TResponse> : IDisposable
    where TRequest : class, IMessage<TRequest>, new()
    where TResponse : class, IMessage<TResponse>, new()
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private CancellationTokenSource _cancellation = new();
    private ITimer? _deadlineTimer;
    private volatile bool _deadlineExceeded;
    private HttpResponseMessage? _response;
    private StreamMessageReader? _reader;
    private Status? _trailersOnlyStatus;

    public GrpcClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
    }

    /// <summary>Sends the request and reads the response headers; <paramref name="cancellationToken"/> cancels the whole call.</summary>
    public async Task StartAsync(HttpContent content, CancellationToken cancellationToken)
    {
        _cancellation.Dispose();
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_channel.Address, _method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        content.Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
        var headers = request.Headers;
        headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);
        StartDeadline(headers);
        foreach (var entry in _options.Headers ?? [])
        {
            headers.TryAddWithoutValidation(entry.Key, entry.Value);
        }

        try
        {
            _response = await _channel.Invoker.SendAsync(request, _cancellation.Token);
        }
        catch (Exception ex)
        {
            if (content is ClientStreamingContent<TRequest> { Failure: { } failure })
            {
                ExceptionDispatchInfo.Throw(failure);
            }

            throw MapException(ex, "Error starting gRPC call");
        }

        if (_response.StatusCode != HttpStatusCode.OK)
        {
            var code = GrpcStatusMapping.FromHttpStatus(_response.StatusCode);
            throw new RpcException(code, $"Bad gRPC response. HTTP status code: {(int)_response.StatusCode}.");
        }

        if (_response.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            _trailersOnlyStatus = ReadStatus(_response.Headers);
            return;
        }

        if (!GrpcProtocol.IsGrpcContentType(_response.Content.Headers.ContentType?.ToString()))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: '{_response.Content.Headers.ContentType}'.");
        }

        var body = await _response.Content.ReadAsStreamAsync(_cancellation.Token);
        _reader = new StreamMessageReader(body, _channel.Options.MaxReceiveMessageSize);
    }

    /// <summary>The next response message, or null at the end of the response stream.</summary>
    public async ValueTask<TResponse?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        if (_reader is null)
        {
            return null;
        }

        // The call's own token (caller + deadline) always applies; a different token is linked in.
        using var linked = cancellationToken.CanBeCanceled && cancellationToken != _cancellation.Token
            ? CancellationTokenSource.CreateLinkedTokenSource(_cancellation.Token, cancellationToken)
            : null;
        try
        {
            return await _reader.ReadMessageAsync(_method.ResponseParser, linked?.Token ?? _cancellation.Token);
        }
        catch (Exception ex)
        {
            throw MapException(ex, "Error reading next message");
        }
    }

    /// <summary>After the last message: throws <see cref="RpcException"/> unless the call's status is OK.</summary>
    public void ThrowIfNotOk()
    {
        var status = _trailersOnlyStatus ?? ReadStatus(_response!.TrailingHeaders);
        if (status.StatusCode != StatusCode.OK)
        {
            throw new RpcException(status, ReadMetadata(_trailersOnlyStatus is null ? _response!.TrailingHeaders : _response!.Headers));
        }
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _reader?.Dispose();
        _response?.Dispose();
        _cancellation.Dispose();
    }

    private void StartDeadline(HttpRequestHeaders headers)
    {
        if (_options.Deadline is not { } deadline || deadline == DateTime.MaxValue)
        {
            return;
        }

        var timeout = deadline.ToUniversalTime() - _channel.Options.TimeProvider.GetUtcNow().UtcDateTime;
        if (timeout <= TimeSpan.Zero)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
        if (timeout < TimeSpan.FromDays(49))
        {
            _deadlineTimer = _channel.Options.TimeProvider.CreateTimer(
                static state => ((GrpcClientCall<TRequest, TResponse>)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDeadline()
    {
        _deadlineExceeded = true;
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended while the timer fired.
        }
    }

    private RpcException MapException(Exception exception, string context)
    {
        if (_deadlineExceeded)
        {
            return new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), innerException: exception);
        }

        if (_cancellation.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."), innerException: exception);
        }

        if (exception is RpcException rpc)
        {
            return rpc;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                var code = GrpcStatusMapping.FromHttp2ErrorCode(protocol.ErrorCode);
                return new RpcException(new Status(code, $"{context}: the stream was reset (HTTP/2 error code {protocol.ErrorCode})."), innerException: exception);
            }
        }

        var status = exception is HttpRequestException or IOException ? StatusCode.Unavailable : StatusCode.Internal;
        return new RpcException(new Status(status, $"{context}. {exception.GetType().Name}: {exception.Message}"), innerException: exception);
    }

    private static Status ReadStatus(HttpHeaders headers)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var values)
            || !int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Internal, "Bad gRPC response. No valid grpc-status found on the response.");
        }

        var message = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messages)
            ? GrpcMessageEncoding.Decode(messages.FirstOrDefault() ?? string.Empty)
            : string.Empty;
        return new Status((StatusCode)code, message);
    }

    private static Metadata ReadMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (key is GrpcProtocol.StatusHeader or GrpcProtocol.MessageHeader)
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.Add(key, value);
            }
        }

        return metadata;
    }

    /// <summary>The body of a call with one request message.</summary>
    public static HttpContent CreateSingleMessageContent(TRequest request, int? maxMessageSize)
    {
        var buffer = new ArrayBufferWriter<byte>(GrpcProtocol.HeaderSize + request.CalculateSize());
        MessageFrameWriter.WriteMessage(buffer, request, maxMessageSize);
        return new ReadOnlyMemoryContent(buffer.WrittenMemory);
    }
}
