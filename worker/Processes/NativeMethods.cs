using System.Runtime.InteropServices;

namespace AgentConductor.Worker.Processes;

/// <summary>The two libc calls the runner needs to interrupt a process tree (Linux).</summary>
internal static partial class NativeMethods
{
    public const int SigInt = 2;
    public const int SigKill = 9;

    /// <summary>kill(2): a negative <paramref name="pid"/> addresses the whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>getpgid(2): the process group of <paramref name="pid"/>, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    public static partial int GetProcessGroup(int pid);
}
