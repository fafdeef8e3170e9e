using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// <c>GET /v1/jobs/{id}/logs?after=SEQ&amp;limit=N</c>: a page of the job's stored log lines and progress events, in
/// order. With <c>follow=true</c>, or <c>Accept: text/event-stream</c>, it streams them as server-sent events
/// (<c>event: log</c>, <c>id:</c> the line's seq, so a reconnecting client resumes with <c>Last-Event-ID</c>) and
/// keeps streaming new ones until the job ends (<c>event: end</c> with its final state) or the client goes away.
/// </summary>
internal static class LogEndpoints
{
    private const int DefaultLimit = 500;
    private const int MaxLimit = 5000;

    /// <summary>How often a followed log looks for new lines; lines reach the database about as often (<c>WorkerApi:ProgressFlushInterval</c>).</summary>
    public static readonly TimeSpan FollowInterval = TimeSpan.FromMilliseconds(500);

    public static IEndpointRouteBuilder MapLogs(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v1/jobs/{id}/logs", (
            HttpRequest request, string id, long? after, int? limit, bool? follow, StatusQueries queries, TimeProvider time, IHostApplicationLifetime lifetime) =>
        {
            var from = Math.Max(0, after ?? 0);
            if (request.Headers["Last-Event-ID"] is [{ } last] && long.TryParse(last, out var resumed))
            {
                from = Math.Max(from, resumed);
            }

            var pageSize = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
            var page = queries.Logs(id, from, pageSize);
            if (page is null)
            {
                return StatusEndpoints.Error($"no job {id}", StatusCodes.Status404NotFound);
            }

            var streaming = follow == true || request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
            // The stream ends when the client goes away or the conductor stops (an open dashboard must not hold up a stop).
            return streaming
                ? TypedResults.ServerSentEvents(FollowAsync(queries, time, id, page, pageSize, request.HttpContext.RequestAborted, lifetime.ApplicationStopping))
                : Results.Json(page);
        });
        return endpoints;
    }

    private static async IAsyncEnumerable<SseItem<object>> FollowAsync(
        StatusQueries queries, TimeProvider time, string id, LogPageView first, int pageSize, CancellationToken requestAborted, CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken enumeration = default)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, stopping, enumeration);
        var cancellationToken = linked.Token;
        var page = first;
        var endSeen = false;
        while (true)
        {
            foreach (var line in page.Lines)
            {
                yield return new SseItem<object>(line, "log") { EventId = line.Seq.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }

            if (page.Lines.Count < pageSize && page.Ended)
            {
                // Lines reach the database shortly after they arrive: once the job has ended, look once more before the end.
                if (endSeen)
                {
                    yield return new SseItem<object>(new { jobId = id, state = page.State }, "end");
                    yield break;
                }

                endSeen = true;
            }

            if (page.Lines.Count < pageSize)
            {
                try
                {
                    await Task.Delay(FollowInterval, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    yield break;
                }
            }

            if (queries.Logs(id, page.Next, pageSize) is not { } next)
            {
                yield break;
            }

            page = next;
        }
    }
}
