using System.Runtime.InteropServices;

namespace AgentConductor.Worker.Processes;

/// <summary>The libc calls the worker needs (Linux): signals to a process tree, its own identity, ownership, subreaping.</summary>
internal static partial class NativeMethods
{
    public const int SigInt = 2;
    public const int SigKill = 9;

    private const int PrSetChildSubreaper = 36;

    /// <summary>kill(2): a negative <paramref name="pid"/> addresses the whole process group.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    /// <summary>getpgid(2): the process group of <paramref name="pid"/>, or -1.</summary>
    [LibraryImport("libc", EntryPoint = "getpgid", SetLastError = true)]
    public static partial int GetProcessGroup(int pid);

    /// <summary>geteuid(2).</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEffectiveUserId();

    /// <summary>lchown(2): changes the owner of a path without following a symbolic link at its end.</summary>
    [LibraryImport("libc", EntryPoint = "lchown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint argument2, nuint argument3, nuint argument4, nuint argument5);

    /// <summary>
    /// prctl(PR_SET_CHILD_SUBREAPER): descendants orphaned by their parent (a daemon the agent left behind) are
    /// re-parented to this process instead of init, so they stay in its process tree where the worker can find them.
    /// </summary>
    public static bool BecomeSubreaper() => OperatingSystem.IsLinux() && Prctl(PrSetChildSubreaper, 1, 0, 0, 0) == 0;

    /// <summary>The errno text of the last failed call.</summary>
    public static string LastError() => Marshal.GetLastPInvokeErrorMessage();
}
