using AgentConductor.Conductor.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentConductor.TestSupport;

/// <summary>
/// The real conductor service, in-process, on free 127.0.0.1 ports with a temp database and temp flag files.
/// Time can be faked; every other part is the production wiring.
/// </summary>
internal sealed class ConductorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ConductorHost(WebApplication app, TempDirectory directory)
    {
        _app = app;
        Directory = directory;
    }

    public TempDirectory Directory { get; }

    public Uri Address { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public string FlagPath => Directory.File("IS_CONDUCTOR_SHUTTING_DOWN");

    public static async Task<ConductorHost> StartAsync(TimeProvider? time = null, params string[] settings)
    {
        var directory = new TempDirectory();
        string[] all =
        [
            "--Urls=http://127.0.0.1:0",
            $"--Storage:DatabasePath={directory.File("conductor.db")}",
            $"--Shutdown:FlagPath={directory.File("IS_CONDUCTOR_SHUTTING_DOWN")}",
            $"--Shutdown:ReadyPath={directory.File("CONDUCTOR_READY_FOR_SAFE_SHUTDOWN")}",
            "--Shutdown:PollInterval=00:00:00.050",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ];
        var app = ConductorApp.Build(all, builder =>
        {
            if (time is not null)
            {
                builder.Services.RemoveAll<TimeProvider>();
                builder.Services.AddSingleton(time);
            }
        });
        var host = new ConductorHost(app, directory);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        host.Address = new Uri(address);
        host.Http = new HttpClient { BaseAddress = host.Address };
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Dispose();
    }
}
