using System.Runtime.CompilerServices;

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
/// Compiled into every test project (tests/Directory.Build.props); the repair itself is the conductor's
/// (<c>ProcessControl.RestoreInheritedInterrupts</c>, which it runs at startup).
/// </remarks>
internal static class InterruptsRestored
{
    [ModuleInitializer]
    internal static void Restore() => AgentConductor.TestSupport.InheritedSignals.RestoreInterrupts();
}
