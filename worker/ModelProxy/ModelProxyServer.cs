using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.ModelProxy;

/// <summary>
/// The agent's model API for one run: Kestrel on 127.0.0.1 (a free port), accepting only this run's random
/// <see cref="Token"/>, forwarding to the real model API with the worker's key (<see cref="ModelProxyForwarder"/>).
/// The agent is pointed at <see cref="BaseUrl"/> with the token as its key; the key itself never leaves the worker.
/// Stopping the proxy ends every request still open.
/// </summary>
internal sealed class ModelProxyServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ModelProxyServer(WebApplication app, Uri baseUrl, string token, ModelUsageMeter usage)
    {
        _app = app;
        BaseUrl = baseUrl;
        Token = token;
        Usage = usage;
    }

    /// <summary><c>http://127.0.0.1:PORT</c>: the agent's model provider base URL (it asks for <c>/responses</c>).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The per-run credential the agent gets as its API key; worthless once the run ends.</summary>
    public string Token { get; }

    public ModelUsageMeter Usage { get; }

    /// <summary>A fresh random token (256 bits).</summary>
    public static string NewToken() => "acproxy-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static async Task<ModelProxyServer> StartAsync(
        ModelProxyTarget target, IModelRequestGate gate, HttpClient upstream, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear(); // no ASPNETCORE_* variable or settings file moves the proxy
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 256L << 20;
        });
        var app = builder.Build();
        var usage = new ModelUsageMeter();
        app.Run(new ModelProxyForwarder(target, usage, gate, upstream, time, logger).HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ModelProxyServer(app, new Uri(address.TrimEnd('/')), target.ProxyToken, usage);
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }
}
