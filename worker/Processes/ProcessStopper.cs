using System.Diagnostics;

namespace AgentConductor.Worker.Processes;

/// <summary>Stops a process the way a terminal would, then harder: SIGINT to the tree, a grace period, then kill.</summary>
internal static class ProcessStopper
{
    /// <summary>Returns true if anything had to be killed after the grace period.</summary>
    public static async Task<bool> StopAsync(Process process, TimeSpan grace, TimeProvider timeProvider)
    {
        if (process.HasExited)
        {
            return false;
        }

        // Captured before the interrupt: once the parent dies, its children are re-parented and out of reach.
        var tree = ProcessTree.Capture(process.Id);
        Interrupt(process.Id, tree);

        using (var graceTimeout = new CancellationTokenSource(grace, timeProvider))
        {
            try
            {
                await process.WaitForExitAsync(graceTimeout.Token);
            }
            catch (OperationCanceledException) when (graceTimeout.IsCancellationRequested)
            {
                // The grace period is over; kill below.
            }
        }

        var killed = false;
        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        // Descendants that ignored SIGINT and were orphaned when their parent exited.
        killed |= tree.Signal(NativeMethods.SigKill) > 0;
        await process.WaitForExitAsync(CancellationToken.None);
        return killed;
    }

    private static void Interrupt(int pid, ProcessTree tree)
    {
        // A child that leads its own process group gets the signal the way Ctrl+C delivers it: to the group.
        if (NativeMethods.GetProcessGroup(pid) == pid && NativeMethods.Kill(-pid, NativeMethods.SigInt) == 0)
        {
            return;
        }

        // Otherwise it shares the worker's group (.NET cannot start a child in a new one), so signal each member.
        NativeMethods.Kill(pid, NativeMethods.SigInt);
        tree.Signal(NativeMethods.SigInt);
    }
}
