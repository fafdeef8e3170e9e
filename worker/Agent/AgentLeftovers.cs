using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Agent;

/// <summary>
/// Ends what the agent left running after it exited (a daemon it started, a background job): every process below the
/// worker that runs as the agent's user. The worker is a child subreaper (<see cref="NativeMethods.BecomeSubreaper"/>),
/// so an orphaned agent process is re-parented to it and stays in its tree. Only for a separated agent: with its own
/// user, nothing else of the worker's runs under that uid.
/// </summary>
internal static class AgentLeftovers
{
    private const int Rounds = 5;

    /// <summary>Kills them (a few rounds, for one that forks while it dies); returns how many were killed.</summary>
    public static int Stop(int agentUid)
    {
        var killed = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var signalled = ProcessTree.Capture(Environment.ProcessId).Signal(NativeMethods.SigKill, ownedBy: agentUid);
            if (signalled == 0)
            {
                break;
            }

            killed += signalled;
        }

        return killed;
    }
}
