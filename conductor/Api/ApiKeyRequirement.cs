using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace AgentConductor.Conductor.Api;

/// <summary>
/// Enforces <see cref="ApiOptions.Key"/> on <c>/v1</c> (and on the paths <c>alsoProtected</c> accepts, such as the
/// Prometheus scrape path) and checks at startup that a non-loopback API has one.
/// </summary>
internal static class ApiKeyRequirement
{
    public static IEnumerable<string> Validate(string? urls, ApiOptions options)
    {
        var exposed = (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(u => !IsLoopback(u)).ToList();
        if (exposed.Count > 0 && string.IsNullOrWhiteSpace(options.Key))
        {
            yield return $"Api:Key is required because Urls listens beyond loopback ({string.Join(", ", exposed)}).";
        }

        if (options.Key is { Length: > 0 and < 16 })
        {
            yield return "Api:Key must be at least 16 characters.";
        }
    }

    public static IApplicationBuilder UseApiKey(this IApplicationBuilder app, ApiOptions options, Func<PathString, bool>? alsoProtected = null)
    {
        if (string.IsNullOrEmpty(options.Key))
        {
            return app;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Key));
        return app.Use(async (context, next) =>
        {
            // GitHub cannot send the key; its deliveries are authenticated by their signature instead.
            var path = context.Request.Path;
            if ((path.StartsWithSegments("/v1") || alsoProtected?.Invoke(path) == true) && !path.Equals(GitHubWebhookEndpoint.Path, StringComparison.OrdinalIgnoreCase)
                && !Authorized(context.Request.Headers.Authorization.ToString(), expected))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await context.Response.WriteAsJsonAsync(new { error = "missing or wrong API key (Authorization: Bearer <Api:Key>)" });
                return;
            }

            await next(context);
        });
    }

    private static bool Authorized(string header, byte[] expected) =>
        header.StartsWith("Bearer ", StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim())), expected);

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url.Replace("*", "wildcard", StringComparison.Ordinal).Replace("+", "wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}
