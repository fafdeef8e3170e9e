using System.Globalization;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// The Linux capabilities a root worker needs to hand the agent its own user, read from <c>CapEff</c> of
/// <c>/proc/self/status</c>: a container started with <c>--cap-drop ALL</c> and nothing added has none of them.
/// </summary>
internal static class WorkerCapabilities
{
    /// <summary>Capability numbers (linux/capability.h) and why the worker needs each.</summary>
    public static readonly IReadOnlyList<(int Bit, string Name, string Why)> Needed =
    [
        (0, "CAP_CHOWN", "hand the workspace and the agent's home to the agent's user"),
        (5, "CAP_KILL", "interrupt and stop the agent, which runs as another user"),
        (6, "CAP_SETGID", "start the agent with the agent's group"),
        (7, "CAP_SETUID", "start the agent as the agent's user"),
    ];

    /// <summary>The names of the needed capabilities this process lacks; empty when it has them all (or /proc says nothing).</summary>
    public static IReadOnlyList<string> Missing()
    {
        string? line;
        try
        {
            line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return [];
        }

        if (line is null || !ulong.TryParse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var effective))
        {
            return [];
        }

        return [.. Needed.Where(c => (effective & (1UL << c.Bit)) == 0).Select(c => c.Name)];
    }
}
