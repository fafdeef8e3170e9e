using AgentConductor.Common;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// Builds the signed JSON client for a service (ECS), sharing one connection pool and one credential source. Settings are
/// read on first use, not on construction, so building this while the host starts never preempts the report of every
/// invalid setting.
/// </summary>
internal sealed class AwsClients(IOptions<AwsOptions> options, IAwsCredentials credentials, Backoff backoff, TimeProvider time, ILoggerFactory loggers) : IDisposable
{
    private readonly Lazy<HttpClient> _http = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = options.Value.RequestTimeout,
    });

    /// <param name="serviceUrl">An endpoint override (a local emulator, a VPC endpoint); null for the regional endpoint.</param>
    public AwsJsonClient For(AwsService service, string? serviceUrl)
    {
        var settings = options.Value;
        var endpoint = AwsEndpoint.Resolve(service, settings.ResolveRegion()!, serviceUrl);
        var retry = AwsRetryPolicy.Default with { MaxAttempts = settings.MaxAttempts };
        return new AwsJsonClient(_http.Value, endpoint, credentials, retry, time, loggers.CreateLogger<AwsJsonClient>(), backoff);
    }

    public void Dispose()
    {
        if (_http.IsValueCreated)
        {
            _http.Value.Dispose();
        }
    }
}
