using System.Net;
using AgentConductor.Conductor.WorkerApi;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Hosting;

/// <summary>
/// Kestrel's two listeners: the HTTP API at <c>Urls</c> (HTTP/1.1, plus HTTP/2 over TLS) and the worker API at
/// <c>WorkerApi:Urls</c> (HTTP/2 only: h2c, or TLS with <c>WorkerApi:CertificatePath</c>).
/// </summary>
internal static class ConductorListeners
{
    public const string DefaultApiUrls = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddConductorListeners(this WebApplicationBuilder builder)
    {
        var apiUrls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : DefaultApiUrls;
        builder.Services.AddTransient<IStartupFilter, ExplicitListenersOnly>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<WorkerApiOptions>, WorkerListener>((kestrel, worker, listener) =>
        {
            foreach (var url in apiUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                Listen(kestrel, url, listen =>
                {
                    // HTTP/1.1 and HTTP/2 need TLS (ALPN) to share a port; without TLS the API speaks HTTP/1.1.
                    if (url.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
                    {
                        listen.Protocols = HttpProtocols.Http1AndHttp2;
                        listen.UseHttps();
                    }
                    else
                    {
                        listen.Protocols = HttpProtocols.Http1;
                    }
                });
            }

            // Kestrel keeps an HPACK table of response headers per HTTP/2 connection (about 2 KiB each once filled);
            // with a connection per worker that adds up, and the worker API's response headers are a few bytes anyway.
            kestrel.AllowResponseHeaderCompression = false;
            var options = worker.Value;
            Listen(kestrel, options.Urls, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (!string.IsNullOrWhiteSpace(options.CertificatePath))
                {
                    listen.UseHttps(options.CertificatePath, options.CertificatePassword);
                }

                listener.Attach(listen);
            });
        });
        return builder;
    }

    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var address = BindingAddress.Parse(url);
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(address.Port, configure);
        }
        else if (address.Host is "*" or "+")
        {
            kestrel.ListenAnyIP(address.Port, configure);
        }
        else if (IPAddress.TryParse(address.Host, out var ip))
        {
            kestrel.Listen(ip, address.Port, configure);
        }
        else
        {
            throw new InvalidOperationException($"Cannot listen on '{url}': the host must be an IP address, localhost or *.");
        }
    }
}
