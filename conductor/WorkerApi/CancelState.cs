namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Whether cancelling a job was requested, and why.</summary>
internal sealed record CancelState(DateTimeOffset? RequestedAt, string? Reason)
{
    public static CancelState None { get; } = new(null, null);
}
