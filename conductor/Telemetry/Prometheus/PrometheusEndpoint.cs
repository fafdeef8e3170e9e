using AgentConductor.Conductor.WorkerApi;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Telemetry.Prometheus;

/// <summary>
/// Answers <c>GET Telemetry:Prometheus:Path</c> (<c>/metrics</c>) on the API listener with <see cref="PrometheusText"/>.
/// On the worker listener the path is not served (workers run next to untrusted agents); <c>Api:Key</c>, when set,
/// guards it as it guards <c>/v1</c> (see <c>ApiKeyRequirement</c>).
/// </summary>
internal sealed class PrometheusEndpoint(PrometheusScrapeExporter exporter, IOptions<TelemetryOptions> options, WorkerListener workerListener)
{
    /// <summary>Whether <paramref name="path"/> is the scrape path (read when asked: the options are validated at startup).</summary>
    public bool Matches(PathString path) => path.Equals(options.Value.Prometheus.Path, StringComparison.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!Matches(context.Request.Path) || workerListener.Serves(context))
        {
            await next(context);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }

        if (exporter.Scrape() is not { } text)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        context.Response.ContentType = PrometheusText.ContentType;
        context.Response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsGet(context.Request.Method))
        {
            await context.Response.WriteAsync(text, context.RequestAborted);
        }
    }
}
