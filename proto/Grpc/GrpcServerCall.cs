using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace AgentConductor.Proto.Grpc;

/// <summary>
/// One server call on top of an HTTP/2 request: validates the request, owns the call's cancellation
/// (client abort + <c>grpc-timeout</c> deadline), frames messages and sends the final status, as
/// trailers after messages or as a trailers-only response when no message was sent.
/// </summary>
internal sealed partial class GrpcServerCall : ServerCallContext, IDisposable
{
    private readonly HttpContext _httpContext;
    private readonly GrpcServerRuntime _runtime;
    private readonly CancellationTokenSource _cancellation;
    private ITimer? _deadlineTimer;
    private DateTime _deadline = DateTime.MaxValue;
    private volatile bool _deadlineExceeded;
    private bool _wroteMessage;
    private Metadata? _requestHeaders;

    public GrpcServerCall(HttpContext httpContext, string method, GrpcServerRuntime runtime)
    {
        _httpContext = httpContext;
        _runtime = runtime;
        Method = method;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
    }

    public override string Method { get; }

    public override string Peer => _httpContext.Connection.RemoteIpAddress is { } ip
        ? $"{(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4")}:{new IPEndPoint(ip, _httpContext.Connection.RemotePort)}"
        : "unknown";

    public override DateTime Deadline => _deadline;

    public override Metadata RequestHeaders => _requestHeaders ??= CreateRequestHeaders(_httpContext.Request.Headers);

    public override CancellationToken CancellationToken => _cancellation.Token;

    public override Metadata ResponseTrailers { get; } = new();

    public override Status Status { get; set; } = Status.Ok;

    public override HttpContext GetHttpContext() => _httpContext;

    /// <summary>Checks protocol, content type and encoding; answers invalid requests itself and returns false.</summary>
    public async Task<bool> StartAsync(CancellationToken cancellationToken)
    {
        var request = _httpContext.Request;
        var response = _httpContext.Response;
        if (!HttpMethods.IsPost(request.Method) || !string.Equals(request.Protocol, "HTTP/2", StringComparison.Ordinal))
        {
            response.StatusCode = HttpMethods.IsPost(request.Method) ? StatusCodes.Status426UpgradeRequired : StatusCodes.Status405MethodNotAllowed;
            await response.WriteAsync("gRPC requires a POST over HTTP/2.", cancellationToken);
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await response.WriteAsync($"Content-Type '{request.ContentType}' is not supported; expected '{GrpcProtocol.ContentType}'.", cancellationToken);
            return false;
        }

        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.IdentityEncoding;

        var encoding = request.Headers[GrpcProtocol.EncodingHeader].ToString();
        if (encoding.Length > 0 && !string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            WriteStatus(new Status(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'; this server supports only '{GrpcProtocol.IdentityEncoding}'."), ResponseTrailers);
            return false;
        }

        // A client stream (e.g. progress updates) may be long-lived and quiet: Kestrel's body size and
        // minimum data-rate limits are for HTTP uploads, not for gRPC streams.
        if (_httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxSize)
        {
            maxSize.MaxRequestBodySize = null;
        }

        if (_httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }

        StartDeadline(request.Headers[GrpcProtocol.TimeoutHeader]);
        return true;
    }

    /// <summary>Reads the single request message of a unary or server-streaming call.</summary>
    public async Task<T> ReadSingleMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var message = await ReadMessageAsync(parser, cancellationToken)
            ?? throw new RpcException(StatusCode.Internal, "Request did not include a message.");
        if (await ReadMessageAsync(parser, cancellationToken) is not null)
        {
            throw new RpcException(StatusCode.Internal, "Request included more than one message for a method that takes one.");
        }

        return message;
    }

    /// <summary>Reads the next request message, or null at the end of the request stream.</summary>
    public ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : class, IMessage<T>
        => MessageFrameReader.ReadMessageAsync(_httpContext.Request.BodyReader, parser, _runtime.Options.MaxReceiveMessageSize, cancellationToken);

    public async Task WriteMessageAsync(IMessage message, bool flush, CancellationToken cancellationToken)
    {
        CancellationToken.ThrowIfCancellationRequested();
        _wroteMessage = true;
        var writer = _httpContext.Response.BodyWriter;
        MessageFrameWriter.WriteMessage(writer, message, _runtime.Options.MaxSendMessageSize);
        if (flush)
        {
            await writer.FlushAsync(cancellationToken);
        }
    }

    /// <summary>Ends the call: maps the handler's outcome to a status and sends it.</summary>
    public void Complete(Exception? exception)
    {
        if (_httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream or went away: there is nobody to send a status to.
            return;
        }

        var trailers = ResponseTrailers;
        Status status;
        if (_deadlineExceeded)
        {
            status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }
        else if (exception is null)
        {
            status = Status;
        }
        else if (exception is RpcException rpc)
        {
            status = rpc.Status;
            foreach (var entry in rpc.Trailers)
            {
                trailers.Add(entry.Key, entry.Value);
            }
        }
        else
        {
            Log.HandlerFailed(_runtime.Logger, Method, exception);
            status = new Status(StatusCode.Internal, "Exception was thrown by handler.");
        }

        WriteStatus(status, trailers);
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _cancellation.Dispose();
    }

    private void WriteStatus(Status status, Metadata trailers)
    {
        var response = _httpContext.Response;
        var trailersOnly = !response.HasStarted && !_wroteMessage;
        void Set(string name, string value)
        {
            if (trailersOnly)
            {
                response.Headers.Append(name, value);
            }
            else
            {
                response.AppendTrailer(name, value);
            }
        }

        Set(GrpcProtocol.StatusHeader, ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(status.Detail))
        {
            Set(GrpcProtocol.MessageHeader, GrpcMessageEncoding.Encode(status.Detail));
        }

        foreach (var entry in trailers)
        {
            Set(entry.Key, entry.Value);
        }
    }

    private void StartDeadline(StringValues header)
    {
        if (StringValues.IsNullOrEmpty(header))
        {
            return;
        }

        var value = header.ToString();
        if (!GrpcTimeout.TryParse(value, out var timeout))
        {
            Log.InvalidTimeout(_runtime.Logger, Method, value);
            return;
        }

        // Timers cannot wait longer than ~49 days; such a deadline is as good as none.
        if (timeout > TimeSpan.FromDays(49))
        {
            return;
        }

        _deadline = _runtime.TimeProvider.GetUtcNow().UtcDateTime + timeout;
        _deadlineTimer = _runtime.TimeProvider.CreateTimer(
            static state => ((GrpcServerCall)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
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

    private static Metadata CreateRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers)
        {
            if (key.StartsWith(':'))
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.Add(key, value ?? string.Empty);
            }
        }

        return metadata;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "GrpcHandlerFailed", Level = LogLevel.Error, Message = "gRPC handler for {Method} threw an exception.")]
        public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

        [LoggerMessage(EventId = 2, EventName = "GrpcInvalidTimeout", Level = LogLevel.Debug, Message = "Ignoring invalid grpc-timeout '{Timeout}' on {Method}.")]
        public static partial void InvalidTimeout(ILogger logger, string method, string timeout);
    }
}
