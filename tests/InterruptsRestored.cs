using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AgentConductor.Tests;

/// <summary>
/// Gives SIGINT and SIGQUIT back their default action when the test process inherited them ignored, as every command a
/// non-interactive shell starts in the background does (<c>cmd &amp;</c>, a CI step, nohup-like wrappers).
/// </summary>
/// <remarks>
/// An ignored signal stays ignored across fork and exec, and .NET then installs no handler of its own, so every child a
/// test starts (shell stand-ins, sleep, git, a conductor) would ignore the SIGINT the launchers stop it with: a shell
/// cannot even trap it. Whether a child got the default back depended on whether some other test in the same process
/// had already registered a SIGINT handler (a host's console lifetime), so the stop tests failed now and then.
/// Compiled into every test project (tests/Directory.Build.props).
/// </remarks>
internal static class InterruptsRestored
{
    private const int SigInt = 2;
    private const int SigQuit = 3;
    private static readonly IntPtr SigDfl = IntPtr.Zero;

    [ModuleInitializer]
    internal static void Restore()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var ignored = IgnoredSignals();
        foreach (var signal in (int[])[SigInt, SigQuit])
        {
            if ((ignored & (1UL << (signal - 1))) != 0)
            {
                Signal(signal, SigDfl);
            }
        }
    }

    private static ulong IgnoredSignals()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is null ? 0 : ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    [DllImport("libc", EntryPoint = "signal", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern IntPtr Signal(int signal, IntPtr handler);
}
