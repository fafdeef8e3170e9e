namespace AgentConductor.Conductor.Launching;

/// <summary>Workers a launcher could not ask about this time (a throttled or failed call), and why.</summary>
internal sealed record WorkerStatusFailure(IReadOnlyList<string> References, Exception Error);
