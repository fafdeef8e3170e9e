using System.Collections.Frozen;
using System.Security.Cryptography;

namespace AgentConductor.Conductor.Dashboard;

/// <summary>
/// The web dashboard at <c>/</c>: three static files shipped inside the conductor (no build toolchain, nothing to deploy
/// beside it). The files need no API key; every piece of data they show comes from <c>/v1</c>, which does. The content
/// security policy allows the dashboard's own script and nothing else, as a second line behind its escaping of text.
/// </summary>
internal static class DashboardEndpoints
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>(StringComparer.Ordinal)
    {
        ["index.html"] = Asset.Load("index.html", "text/html; charset=utf-8"),
        ["app.js"] = Asset.Load("app.js", "text/javascript; charset=utf-8"),
        ["app.css"] = Asset.Load("app.css", "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context) => Serve(context, Assets["index.html"]));
        endpoints.MapGet("/dashboard", (HttpContext context) => Serve(context, Assets["index.html"]));
        endpoints.MapGet("/dashboard/{file}", (HttpContext context, string file) =>
            Assets.TryGetValue(file, out var asset) ? Serve(context, asset) : Results.NotFound());
        return endpoints;
    }

    private static IResult Serve(HttpContext context, Asset asset)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        return context.Request.Headers.IfNoneMatch == asset.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, asset.ContentType);
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag)
    {
        public static Asset Load(string name, string contentType)
        {
            using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard/" + name)
                ?? throw new InvalidOperationException($"The dashboard file {name} is not embedded in the conductor.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            return new Asset(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }
    }
}
