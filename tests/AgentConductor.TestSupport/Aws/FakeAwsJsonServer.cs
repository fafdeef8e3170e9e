using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.Aws;

/// <summary>
/// A strict in-process endpoint for one AWS JSON-protocol service on 127.0.0.1 (free port). Every request must be
/// <c>POST /</c> with the service's content type and <c>X-Amz-Target</c> prefix, a valid SigV4 signature for the known
/// keys, signed within 5 minutes of <see cref="Time"/>, and a JSON object body; anything else is recorded in
/// <see cref="Failures"/> and answered as AWS would (<c>InvalidSignatureException</c>, "Signature expired" for a request
/// signed too long ago, <c>SerializationException</c>, <c>UnknownOperationException</c>). Every answer carries
/// <see cref="Time"/> in its <c>Date</c> header. Valid requests go to the handler the test supplies, and are kept in
/// <see cref="Requests"/>.
/// </summary>
public sealed class FakeAwsJsonServer : IAsyncDisposable
{
    public const string AccessKey = "AKIDFAKEEXAMPLE";
    public const string SecretKey = "fake/secret/key/for/tests/only";

    private readonly WebApplication _app;
    private readonly Func<FakeAwsRequest, FakeAwsResponse> _handler;

    private FakeAwsJsonServer(WebApplication app, string service, string targetPrefix, string contentType, string region, TimeProvider time, Func<FakeAwsRequest, FakeAwsResponse> handler)
    {
        _app = app;
        Service = service;
        TargetPrefix = targetPrefix;
        ContentType = contentType;
        Region = region;
        Time = time;
        _handler = handler;
    }

    public Uri Url { get; private set; } = null!;

    public string Service { get; }

    public string TargetPrefix { get; }

    public string ContentType { get; }

    public string Region { get; }

    public TimeProvider Time { get; }

    public ConcurrentQueue<FakeAwsRequest> Requests { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <param name="service">The signing name (<c>ecs</c>, <c>sqs</c>).</param>
    /// <param name="targetPrefix">The <c>X-Amz-Target</c> prefix, e.g. <c>AmazonEC2ContainerServiceV20141113</c>.</param>
    /// <param name="jsonVersion"><c>1.0</c> or <c>1.1</c>.</param>
    public static async Task<FakeAwsJsonServer> StartAsync(
        string service, string targetPrefix, string jsonVersion, Func<FakeAwsRequest, FakeAwsResponse> handler,
        string region = "us-east-1", TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeAwsJsonServer(app, service, targetPrefix, $"application/x-amz-json-{jsonVersion}", region, time ?? TimeProvider.System, handler);
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.Url = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var response = Check(context.Request, body, out var request) ?? _handler(request!);
        if (request is not null)
        {
            Requests.Enqueue(request);
        }

        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the client gave up waiting
            }
        }

        context.Response.StatusCode = (int)response.Status;
        context.Response.ContentType = ContentType;
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        context.Response.Headers.Date = Time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }

    private FakeAwsResponse? Check(HttpRequest http, byte[] body, out FakeAwsRequest? request)
    {
        request = null;
        if (http.Method != "POST" || http.Path != "/")
        {
            return Fail($"{http.Method} {http.Path}: the JSON protocol posts to /", "UnknownOperationException", "expected POST /");
        }

        if (http.ContentType != ContentType)
        {
            return Fail($"Content-Type '{http.ContentType}' is not {ContentType}", "SerializationException", "wrong content type");
        }

        var target = http.Headers["X-Amz-Target"].ToString();
        if (!target.StartsWith(TargetPrefix + ".", StringComparison.Ordinal))
        {
            return Fail($"X-Amz-Target '{target}' does not start with {TargetPrefix}.", "UnknownOperationException", "unknown target");
        }

        if (Expired(http.Headers["X-Amz-Date"].ToString(), Time.GetUtcNow()) is { } expired)
        {
            return Fail(expired, "InvalidSignatureException", expired);
        }

        if (SigV4Check.Problem(http, body, AccessKey, SecretKey, Region, Service, Time.GetUtcNow()) is { } problem)
        {
            return Fail(problem, "InvalidSignatureException", problem, HttpStatusCode.Forbidden);
        }

        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(body);
            json = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Fail($"{target}: body is not JSON: {ex.Message}", "SerializationException", "body is not JSON");
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            return Fail($"{target}: body is not a JSON object", "SerializationException", "body is not an object");
        }

        request = new FakeAwsRequest(target[(TargetPrefix.Length + 1)..], json, http.Headers["X-Amz-Security-Token"].ToString());
        return null;
    }

    /// <summary>AWS's words (HTTP 400) for a request signed more than 5 minutes before or after its clock.</summary>
    private static string? Expired(string amzDate, DateTimeOffset now)
    {
        if (!DateTimeOffset.TryParseExact(amzDate, SigV4Check.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return null; // SigV4Check names the malformed date
        }

        var window = TimeSpan.FromMinutes(5);
        string Format(DateTimeOffset time) => time.UtcDateTime.ToString(SigV4Check.DateFormat, CultureInfo.InvariantCulture);
        return signedAt < now - window ? $"Signature expired: {amzDate} is now earlier than {Format(now - window)} ({Format(now)} - 5 min.)"
            : signedAt > now + window ? $"Signature not yet current: {amzDate} is still later than {Format(now + window)} ({Format(now)} + 5 min.)"
            : null;
    }

    private FakeAwsResponse Fail(string failure, string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
    {
        Failures.Enqueue(failure);
        return FakeAwsResponse.Error(code, message, status);
    }
}

/// <summary>One valid request: the operation (<c>RunTask</c>), its JSON body and the session token if one was sent.</summary>
public sealed record FakeAwsRequest(string Operation, JsonElement Body, string SecurityToken);

/// <summary>What the fake answers, after <see cref="Delay"/> (a slow or hung service).</summary>
public sealed record FakeAwsResponse(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public TimeSpan Delay { get; init; }

    public static FakeAwsResponse Ok(object body) => new(HttpStatusCode.OK, JsonSerializer.Serialize(body), new Dictionary<string, string>());

    public static FakeAwsResponse Error(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest) =>
        new(status, JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = code, ["message"] = message }), new Dictionary<string, string>());
}
