using AgentConductor.Conductor.Launching.Local;

namespace AgentConductor.TestSupport;

/// <summary>The conductor's own repair of inherited signal dispositions, for test projects that cannot see its internals.</summary>
public static class InheritedSignals
{
    public static void RestoreInterrupts() => ProcessControl.RestoreInheritedInterrupts();
}
