using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AgentConductor.Conductor.Hosting;

/// <summary>
/// The host copies <c>Urls</c> into the server's addresses before the app is built; <see cref="ConductorListeners"/>
/// already turned them into explicit Kestrel listeners, so the copy is removed here (it runs after the copy and
/// before Kestrel binds). Left in place, Kestrel would log an "Overriding address(es)" warning at every start.
/// </summary>
internal sealed class ExplicitListenersOnly(IServer server) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next)
    {
        if (server.Features.Get<IServerAddressesFeature>()?.Addresses is { IsReadOnly: false } addresses)
        {
            addresses.Clear();
        }

        return next;
    }
}
