using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// The Kestrel listener that serves workers. Kestrel writes the bound port back into its <see cref="ListenOptions"/>
/// (port 0 picks a free one), so the port is known once the server has started.
/// </summary>
internal sealed class WorkerListener
{
    private ListenOptions? _listen;

    /// <summary>The bound port, or null before the server has started.</summary>
    public int? Port => (_listen?.EndPoint as IPEndPoint)?.Port is { } port and > 0 ? port : null;

    public void Attach(ListenOptions listen) => _listen = listen;

    /// <summary>Whether <paramref name="context"/> arrived on the worker listener.</summary>
    public bool Serves(HttpContext context) => Port is { } port && context.Connection.LocalPort == port;
}
