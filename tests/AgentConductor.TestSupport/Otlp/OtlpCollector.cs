using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using AgentConductor.TestSupport.Otlp.Wire;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.Otlp;

/// <summary>
/// A strict OTLP receiver on 127.0.0.1 (free ports). <see cref="HttpEndpoint"/> takes http/protobuf: only
/// <c>POST /v1/traces</c> and <c>POST /v1/metrics</c> with <c>Content-Type: application/x-protobuf</c> (gzip or no
/// content encoding) and a body that decodes; <see cref="GrpcEndpoint"/> takes OTLP/gRPC (HTTP/2 only,
/// <c>application/grpc</c>, <c>te: trailers</c>, one length-prefixed message) at the two <c>Export</c> methods. Anything
/// else is answered with an error and recorded in <see cref="Problems"/>, which a test asserts empty. What arrives is
/// decoded with the test-only <c>otlp_subset.proto</c>.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private const string TracesGrpcPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private const string MetricsGrpcPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<(string Service, Metric Metric)> _metrics = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private int _httpPort;
    private int _grpcPort;

    private OtlpCollector(WebApplication app) => _app = app;

    /// <summary>The base address for http/protobuf (the exporter appends <c>/v1/traces</c>, <c>/v1/metrics</c>).</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{_httpPort}");

    /// <summary>The address for OTLP/gRPC (h2c).</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{_grpcPort}");

    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Every span received, in arrival order.</summary>
    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    /// <summary>"protocol path" of every accepted export request, in arrival order.</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<OtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? http = null, grpc = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Kestrel writes the bound port back into each ListenOptions once it has started.
            kestrel.Listen(IPAddress.Loopback, 0, listen => (http = listen).Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => (grpc = listen).Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        var collector = new OtlpCollector(app);
        app.Run(collector.HandleAsync);
        await app.StartAsync();
        collector._httpPort = ((IPEndPoint)http!.EndPoint).Port;
        collector._grpcPort = ((IPEndPoint)grpc!.EndPoint).Port;
        return collector;
    }

    /// <summary>The spans of <paramref name="service"/> (<c>service.name</c>).</summary>
    public IReadOnlyList<ReceivedSpan> SpansOf(string service) => [.. _spans.Where(s => s.Service == service)];

    /// <summary>The newest export of metric <paramref name="name"/> from <paramref name="service"/> (cumulative: it holds the current totals); null if none came.</summary>
    public Metric? LatestMetric(string service, string name) => _metrics.LastOrDefault(m => m.Service == service && m.Metric.Name == name).Metric;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        // The collector is a server in the same process as the conductor under test, whose ASP.NET Core instrumentation
        // would otherwise record the collector's own requests and export them here, one more after every flush.
        if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
        {
            activity.IsAllDataRequested = false;
            activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
        }

        var request = context.Request;
        var what = $"{request.Protocol} {request.Method} {request.Path} ({request.ContentType})";
        try
        {
            if (context.Connection.LocalPort == _grpcPort)
            {
                await HandleGrpcAsync(context, what);
            }
            else
            {
                await HandleHttpAsync(context, what);
            }
        }
        catch (InvalidProtocolBufferException ex)
        {
            Refuse(context, StatusCodes.Status400BadRequest, $"{what}: the body does not decode: {ex.Message}");
        }
    }

    private async Task HandleHttpAsync(HttpContext context, string what)
    {
        var request = context.Request;
        if (request.Method != HttpMethods.Post || request.Path.Value is not ("/v1/traces" or "/v1/metrics"))
        {
            Refuse(context, StatusCodes.Status404NotFound, $"{what}: not an OTLP/HTTP export path");
            return;
        }

        if (request.ContentType != "application/x-protobuf")
        {
            Refuse(context, StatusCodes.Status415UnsupportedMediaType, $"{what}: the content type must be application/x-protobuf");
            return;
        }

        var encoding = request.Headers.ContentEncoding.ToString();
        if (encoding is not ("" or "gzip"))
        {
            Refuse(context, StatusCodes.Status415UnsupportedMediaType, $"{what}: unsupported content encoding '{encoding}'");
            return;
        }

        var body = await ReadAllAsync(encoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body, context.RequestAborted);
        Accept(request.Path.Value == "/v1/traces", body, $"http {request.Path}");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
        await context.Response.Body.WriteAsync(new ExportServiceResponse().ToByteArray(), context.RequestAborted);
    }

    private async Task HandleGrpcAsync(HttpContext context, string what)
    {
        var request = context.Request;
        if (request.Protocol != "HTTP/2" || request.Method != HttpMethods.Post || request.Path.Value is not (TracesGrpcPath or MetricsGrpcPath))
        {
            Refuse(context, StatusCodes.Status404NotFound, $"{what}: not an OTLP/gRPC export method");
            return;
        }

        if (request.ContentType is not ("application/grpc" or "application/grpc+proto") || request.Headers.TE != "trailers")
        {
            Refuse(context, StatusCodes.Status415UnsupportedMediaType, $"{what}: a gRPC call needs content-type application/grpc and te: trailers");
            return;
        }

        var frame = await ReadAllAsync(request.Body, context.RequestAborted);
        if (frame.Length < 5 || frame[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1, 4)) != frame.Length - 5)
        {
            Refuse(context, StatusCodes.Status400BadRequest, $"{what}: not one uncompressed length-prefixed message ({frame.Length} bytes)");
            return;
        }

        Accept(request.Path.Value == TracesGrpcPath, frame[5..], $"grpc {request.Path}");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        var message = new ExportServiceResponse().ToByteArray();
        var answer = new byte[5 + message.Length];
        BinaryPrimitives.WriteUInt32BigEndian(answer.AsSpan(1, 4), (uint)message.Length);
        message.CopyTo(answer, 5);
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    private void Accept(bool traces, byte[] body, string request)
    {
        if (traces)
        {
            foreach (var resource in ExportTraceServiceRequest.Parser.ParseFrom(body).ResourceSpans)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var scope in resource.ScopeSpans)
                {
                    foreach (var span in scope.Spans)
                    {
                        _spans.Enqueue(new ReceivedSpan(service, resource.Resource, scope.Scope?.Name ?? "", span));
                    }
                }
            }
        }
        else
        {
            foreach (var resource in ExportMetricsServiceRequest.Parser.ParseFrom(body).ResourceMetrics)
            {
                var service = ServiceOf(resource.Resource);
                foreach (var metric in resource.ScopeMetrics.SelectMany(s => s.Metrics))
                {
                    _metrics.Enqueue((service, metric));
                }
            }
        }

        _requests.Enqueue(request);
    }

    private void Refuse(HttpContext context, int status, string problem)
    {
        Problems.Enqueue(problem);
        context.Response.StatusCode = status;
    }

    private static string ServiceOf(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue ?? "";

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}
