using System.Runtime.InteropServices;
using System.Text;

namespace AgentConductor.Conductor.Launching.Local;

/// <summary>
/// Linux process checks and signals. A pid is only trusted when <c>/proc/&lt;pid&gt;/environ</c> carries the job's
/// <c>JOB_ID</c>, so a recycled pid (or a stale pid file) never gets a signal meant for a worker.
/// </summary>
internal static partial class ProcessControl
{
    public const int SigInt = 2;

    public static bool BelongsTo(int pid, string jobId)
    {
        try
        {
            var environment = File.ReadAllBytes($"/proc/{pid}/environ");
            var expected = Encoding.UTF8.GetBytes($"JOB_ID={jobId}");
            foreach (var entry in new ReadOnlySpan<byte>(environment).Split((byte)0))
            {
                if (environment.AsSpan(entry).SequenceEqual(expected))
                {
                    return true;
                }
            }

            return false;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static bool Interrupt(int pid) => Kill(pid, SigInt) == 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
