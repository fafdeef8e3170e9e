using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>Starts a <see cref="ModelProxyServer"/> per agent run over one shared upstream connection pool.</summary>
internal sealed class ModelProxyFactory(IModelRequestGate gate, TimeProvider time, ILogger<ModelProxyServer> logger) : IDisposable
{
    private readonly HttpClient _upstream = new(new SocketsHttpHandler
    {
        // The answer passes through as the model sent it; the proxy reads events in the clear (Accept-Encoding is dropped).
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
        UseCookies = false,
    })
    {
        // A streamed answer may take as long as the model thinks; the agent's watchdog and its own retries bound it.
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <param name="upstream">The model API's base URL.</param>
    /// <param name="modelKey">The key sent upstream; null for a model server that needs none.</param>
    public Task<ModelProxyServer> StartAsync(Uri upstream, string? modelKey, CancellationToken cancellationToken) =>
        ModelProxyServer.StartAsync(new ModelProxyTarget(upstream, modelKey, ModelProxyServer.NewToken()), gate, _upstream, time, logger, cancellationToken);

    public void Dispose() => _upstream.Dispose();
}
