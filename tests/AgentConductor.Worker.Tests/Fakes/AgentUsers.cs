using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Processes;

namespace AgentConductor.Worker.Tests.Fakes;

/// <summary>
/// The agent's user in tests: 10001 (the image's <c>agent</c>) when the tests run as root with the capabilities to switch
/// to it, as they do in CI; otherwise the tests' own user (no separation).
/// </summary>
internal static class AgentUsers
{
    public static readonly ProcessUser Agent = new(10001, 10001);

    public static bool CanSeparate { get; } =
        OperatingSystem.IsLinux() && NativeMethods.GetEffectiveUserId() == 0 && WorkerCapabilities.Missing().Count == 0 && File.Exists(UserSwitch.Program);

    public static AgentAccount Account() =>
        CanSeparate ? AgentAccount.SeparateAs(Agent) : AgentAccount.SameAsWorker("the tests do not run as root");

    /// <summary>Skips a test that is about separate users where the tests cannot switch users.</summary>
    public static void RequireSeparation()
    {
        if (!CanSeparate)
        {
            Assert.Skip("the tests run without root (or without setpriv), so the agent cannot have a user of its own here; CI runs them as root");
        }
    }
}
