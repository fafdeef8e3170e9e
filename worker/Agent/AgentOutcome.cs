namespace AgentConductor.Worker.Agent;

/// <summary>How an agent run ended. Only <see cref="Succeeded"/> is a success.</summary>
internal enum AgentOutcome
{
    Succeeded,
    Failed,
    TimedOut,
    Idle,
    Cancelled,
}
