using System.Buffers;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// Forwards one agent request to the model API: the proxy token is checked and dropped, the model key added, the body
/// and the answer passed through unchanged (each chunk of an event stream flushed as it arrives), and the usage counted.
/// Either side going away ends the other: the agent hanging up cancels the upstream request; the upstream breaking off
/// mid-stream aborts the agent's connection, which Codex reports as a dropped stream and retries.
/// </summary>
internal sealed partial class ModelProxyForwarder(ModelProxyTarget target, ModelUsageMeter meter, IModelRequestGate gate, HttpClient http, TimeProvider time, ILogger logger)
{
    // Hop-by-hop headers, the agent's credential (replaced by the key) and what the proxy must read in the clear.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Expect", "Accept-Encoding", "Content-Length",
    };

    private static readonly HashSet<string> NotReturned = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + target.ProxyToken);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var started = time.GetTimestamp();
        var path = request.Path.Value ?? "";
        if (!Authorized(request.Headers.Authorization.ToString()))
        {
            Log.Refused(logger, request.Method, path, "no or a wrong proxy token");
            await ModelProxyErrors.WriteAsync(context.Response, StatusCodes.Status401Unauthorized, "invalid_api_key", "Incorrect API key provided.");
            return;
        }

        if (!ModelProxyRoutes.Allows(request.Method, path))
        {
            Log.Refused(logger, request.Method, path, "not a model API route the agent needs");
            await ModelProxyErrors.WriteAsync(context.Response, StatusCodes.Status404NotFound, "not_found", $"The model proxy does not forward {request.Method} {path}.");
            return;
        }

        var index = meter.Next();
        if (gate.Check(meter) is { } refusal)
        {
            Log.Refused(logger, request.Method, path, refusal.Message);
            await ModelProxyErrors.WriteAsync(context.Response, refusal.Status, refusal.Code, refusal.Message);
            var refused = new ModelRequestRecord(index, request.Method, path, refusal.Status, default, "refused: " + refusal.Message, time.GetElapsedTime(started));
            meter.Record(refused);
            gate.Completed(refused, meter);
            return;
        }

        var (status, usage, outcome) = await ForwardAsync(context, index, target.Upstream(path, request.QueryString.Value));
        var record = new ModelRequestRecord(index, request.Method, path, status, usage, outcome, time.GetElapsedTime(started));
        meter.Record(record);
        gate.Completed(record, meter);
        Log.Forwarded(logger, index, record.Method, record.Path, record.Status, record.Outcome, usage.Input, usage.Output, record.Duration.TotalMilliseconds);
    }

    private async Task<(int Status, ModelTokenCounts Usage, string Outcome)> ForwardAsync(HttpContext context, int index, Uri upstream)
    {
        var aborted = context.RequestAborted;
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), upstream);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            forward.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (!NotForwarded.Contains(name) && !forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        if (target.ModelKey is { Length: > 0 } key)
        {
            forward.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return (StatusCodes.Status499ClientClosedRequest, default, "the agent went away before the model answered");
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            Log.Unreachable(logger, upstream.GetLeftPart(UriPartial.Authority), ex.Message);
            await ModelProxyErrors.WriteAsync(context.Response, StatusCodes.Status502BadGateway, "upstream_unreachable", $"The model proxy could not reach the model API: {ex.Message}");
            return (StatusCodes.Status502BadGateway, default, "the model API could not be reached");
        }

        using (response)
        {
            return await RelayAsync(context, index, response);
        }
    }

    private async Task<(int Status, ModelTokenCounts Usage, string Outcome)> RelayAsync(HttpContext context, int index, HttpResponseMessage response)
    {
        var aborted = context.RequestAborted;
        var status = (int)response.StatusCode;
        context.Response.StatusCode = status;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!NotReturned.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Codex streams; an answer the agent asked for without a stream is counted too (a budget must not be dodged that way).
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var events = mediaType == "text/event-stream" ? new ServerSentEventUsage() : null;
        var json = mediaType == "application/json" && response.IsSuccessStatusCode ? new JsonAnswerUsage() : null;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(aborted);
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, aborted);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !aborted.IsCancellationRequested)
                {
                    Log.UpstreamBroke(logger, ex.Message);
                    context.Abort(); // the agent sees its stream cut, as it would without the proxy
                    return (status, events?.Usage ?? json?.Usage ?? default, "the model API broke off the answer");
                }

                if (read == 0)
                {
                    return (status, events?.Usage ?? json?.Usage ?? default, "completed");
                }

                if (events is not null)
                {
                    // Counted before the agent gets the bytes: its next request is judged with this answer's usage.
                    var before = events.Usage;
                    events.Feed(buffer.AsSpan(0, read));
                    if (events.Usage != before)
                    {
                        meter.Counting(index, events.Usage);
                    }
                }

                json?.Feed(buffer.AsSpan(0, read));
                await context.Response.Body.WriteAsync(buffer.AsMemory(0, read), aborted);
                await context.Response.Body.FlushAsync(aborted);
            }
        }
        catch (Exception ex) when (aborted.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            return (status, events?.Usage ?? json?.Usage ?? default, "the agent went away during the answer");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool Authorized(string authorization) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _expected);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1400, EventName = "ModelProxyRefused", Level = LogLevel.Warning, Message = "Model proxy: refused {Method} {Path}: {Reason}")]
        public static partial void Refused(ILogger logger, string method, string path, string reason);

        [LoggerMessage(EventId = 1401, EventName = "ModelProxyForwarded", Level = LogLevel.Debug, Message = "Model proxy: request {Index} {Method} {Path} answered {Status} ({Outcome}), {InputTokens} input / {OutputTokens} output tokens, {DurationMs} ms")]
        public static partial void Forwarded(ILogger logger, int index, string method, string path, int status, string outcome, long inputTokens, long outputTokens, double durationMs);

        [LoggerMessage(EventId = 1402, EventName = "ModelProxyUpstreamUnreachable", Level = LogLevel.Warning, Message = "Model proxy: the model API at {Upstream} could not be reached ({Reason}); the agent gets 502 and retries")]
        public static partial void Unreachable(ILogger logger, string upstream, string reason);

        [LoggerMessage(EventId = 1403, EventName = "ModelProxyUpstreamBroke", Level = LogLevel.Warning, Message = "Model proxy: the model API broke off an answer ({Reason}); the agent's stream is cut too")]
        public static partial void UpstreamBroke(ILogger logger, string reason);
    }
}
