using System.Globalization;
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

    public const int SigQuit = 3;

    public static bool Interrupt(int pid) => Kill(pid, SigInt) == 0;

    /// <summary>
    /// Gives SIGINT and SIGQUIT back their default action when this process inherited them ignored, as a command that a
    /// non-interactive shell starts in the background does (<c>scripts/run-local.sh</c>). An ignored signal stays ignored
    /// through fork and exec, and .NET installs no handler over it, so every worker, and every agent a worker starts,
    /// would ignore the interrupt it is stopped with: each stop would end in a kill after the grace.
    /// </summary>
    public static void RestoreInheritedInterrupts()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var ignored = IgnoredSignals("self") ?? 0;
        foreach (var signal in (int[])[SigInt, SigQuit])
        {
            if (Ignores(ignored, signal))
            {
                Signal(signal, IntPtr.Zero); // SIG_DFL
            }
        }
    }

    /// <summary>The signals a process ignores: <c>SigIgn</c> of <c>/proc/&lt;process&gt;/status</c>, bit n-1 for signal n; null without that line.</summary>
    public static ulong? IgnoredSignals(string process) =>
        StatusField(process, "SigIgn") is { } mask ? ulong.Parse(mask, NumberStyles.HexNumber, CultureInfo.InvariantCulture) : null;

    /// <summary>The real uid of every process on the machine (the first of <c>Uid</c> in each <c>/proc/&lt;pid&gt;/status</c>).</summary>
    public static HashSet<int> RunningUids()
    {
        var uids = new HashSet<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            var pid = Path.GetFileName(folder);
            if (!int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            try
            {
                if (StatusField(pid, "Uid")?.Split('\t')[0] is { } real && int.TryParse(real, NumberStyles.None, CultureInfo.InvariantCulture, out var uid))
                {
                    uids.Add(uid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was being read.
            }
        }

        return uids;
    }

    /// <summary>The value of the line <c>name:</c> of <c>/proc/&lt;process&gt;/status</c>, trimmed; null without that line.</summary>
    private static string? StatusField(string process, string name) =>
        File.ReadLines($"/proc/{process}/status").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim();

    public static bool Ignores(ulong ignoredSignals, int signal) => (ignoredSignals & (1UL << (signal - 1))) != 0;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr Signal(int signal, IntPtr handler);
}
