using System.Net;
using System.Net.Sockets;

namespace AgentConductor.TestSupport;

/// <summary>A TCP port on 127.0.0.1 nothing listens on right now, for a server a test starts on a port it must know first.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
