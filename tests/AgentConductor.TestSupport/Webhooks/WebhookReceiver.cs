using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.TestSupport.Webhooks;

/// <summary>
/// A webhook receiver on 127.0.0.1 (free port) that verifies each request the way the docs tell receivers to: the
/// <c>X-Conductor-Signature</c> (HMAC-SHA256 with the shared secret over <c>timestamp.body</c>, compared in constant time),
/// the <c>X-Conductor-Timestamp</c> within <see cref="Tolerance"/> of its clock, the JSON content type, a user agent, and
/// event id and type headers that match the body. A request that fails a check is recorded in <see cref="Failures"/> and
/// answered 400; a good one is recorded in <see cref="Received"/> and answered 200 unless a scripted answer is queued.
/// Its own code, not the conductor's, computes the signature.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly byte[] _secret;
    private readonly TimeProvider _clock;
    private readonly ConcurrentQueue<(int Status, string? RetryAfter, TaskCompletionSource? Hold)> _scripted = new();
    private readonly ConcurrentQueue<TaskCompletionSource> _holding = new();

    private WebhookReceiver(WebApplication app, string secret, TimeProvider clock)
    {
        _app = app;
        _secret = Encoding.UTF8.GetBytes(secret);
        _clock = clock;
    }

    public Uri Url { get; private set; } = null!;

    public TimeSpan Tolerance { get; init; } = TimeSpan.FromMinutes(5);

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary>Requests that arrived and are being held (see <see cref="HoldNext"/>).</summary>
    public int Held => _holding.Count(h => !h.Task.IsCompleted);

    public static async Task<WebhookReceiver> StartAsync(string secret, TimeProvider? clock = null, string path = "/hooks/conductor")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, secret, clock ?? TimeProvider.System);
        app.Run(context =>
        {
            if (context.Request.Method == "POST" && context.Request.Path == path)
            {
                return receiver.HandleAsync(context);
            }

            receiver.Failures.Enqueue($"{context.Request.Method} {context.Request.Path}: not the webhook path");
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(address.TrimEnd('/') + path);
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> verified requests (after those already scripted) get <paramref name="status"/> (and Retry-After, if given).</summary>
    public void RespondNext(int status, int count = 1, string? retryAfter = null)
    {
        for (var i = 0; i < count; i++)
        {
            _scripted.Enqueue((status, retryAfter, null));
        }
    }

    /// <summary>
    /// The next verified request (after those already scripted) is recorded, as processed by the receiver, and then held
    /// without an answer until <see cref="ReleaseHeld"/> or the sender gives up: the answer of a delivery the receiver did get is lost.
    /// </summary>
    public void HoldNext() => _scripted.Enqueue((0, null, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));

    /// <summary>Lets every held request end (the connection is reset, so the sender never sees an answer).</summary>
    public void ReleaseHeld()
    {
        foreach (var hold in _scripted.Select(s => s.Hold).OfType<TaskCompletionSource>().Concat(_holding))
        {
            hold.TrySetResult();
        }
    }

    /// <summary>Event ids in arrival order, duplicates included.</summary>
    public IReadOnlyList<string> EventIds => [.. Received.Select(r => r.EventId)];

    public void AssertNoFailures()
    {
        if (!Failures.IsEmpty)
        {
            throw new InvalidOperationException("The webhook receiver rejected requests:\n" + string.Join("\n", Failures));
        }
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHeld();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (Check(context.Request, body, out var eventId, out var type, out var attempt, out var timestamp) is { } problem)
        {
            Failures.Enqueue(problem);
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync(problem, context.RequestAborted);
            return;
        }

        var (status, retryAfter, hold) = _scripted.TryDequeue(out var scripted) ? scripted : (200, null, null);
        Received.Enqueue(new ReceivedWebhook(eventId, type, attempt, timestamp, Encoding.UTF8.GetString(body), status));
        if (hold is not null)
        {
            _holding.Enqueue(hold);
            await Task.WhenAny(hold.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            context.Abort();
            return;
        }

        context.Response.StatusCode = status;
        if (retryAfter is not null)
        {
            context.Response.Headers.RetryAfter = retryAfter;
        }
    }

    private string? Check(HttpRequest request, byte[] body, out string eventId, out string type, out int attempt, out long timestamp)
    {
        eventId = request.Headers["X-Conductor-Event-Id"].ToString();
        type = request.Headers["X-Conductor-Event-Type"].ToString();
        _ = int.TryParse(request.Headers["X-Conductor-Delivery-Attempt"].ToString(), CultureInfo.InvariantCulture, out attempt);
        var timestampText = request.Headers["X-Conductor-Timestamp"].ToString();
        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp))
        {
            return $"timestamp header '{timestampText}' is not Unix seconds";
        }

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(_secret, (byte[])[.. Encoding.ASCII.GetBytes(timestampText + "."), .. body]));
        var signature = request.Headers["X-Conductor-Signature"].ToString();
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(signature), Encoding.ASCII.GetBytes(expected)))
        {
            return $"signature '{signature}' does not verify";
        }

        var age = _clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(timestamp);
        if (age.Duration() > Tolerance)
        {
            return $"timestamp {timestamp} is {age} away from the receiver's clock (replay window {Tolerance})";
        }

        if (request.ContentType != "application/json; charset=utf-8")
        {
            return $"content type '{request.ContentType}' is not application/json; charset=utf-8";
        }

        if (!request.Headers.UserAgent.ToString().StartsWith("AgentConductor/", StringComparison.Ordinal))
        {
            return $"user agent '{request.Headers.UserAgent}' is not AgentConductor/<version>";
        }

        if (attempt < 1)
        {
            return "X-Conductor-Delivery-Attempt is missing or below 1";
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.GetProperty("id").GetString() != eventId || root.GetProperty("type").GetString() != type)
            {
                return $"event id/type headers ({eventId}, {type}) do not match the body";
            }
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"body is not the event document: {ex.Message}";
        }

        return null;
    }
}
