namespace AgentConductor.Worker.Agent;

/// <summary>Why the watchdog stopped an agent; the first reason wins.</summary>
internal enum AgentStopReason
{
    None,
    Idle,
    TimedOut,
    Cancelled,
}
