namespace AgentConductor.Conductor.Shutdown;

internal enum GatePhase
{
    /// <summary>Taking in messages and launching jobs.</summary>
    Open,

    /// <summary>The flag already read <c>true</c> when this conductor started (a deploy in progress): work is held, but this process does not exit.</summary>
    HeldAtStartup,

    /// <summary>The flag turned <c>true</c>: no intake, no launches; running workers are served until none is active.</summary>
    Draining,

    /// <summary>No job is active any more; the ready file is written and the conductor exits.</summary>
    Drained,
}
