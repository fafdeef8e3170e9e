namespace AgentConductor.Conductor.Scheduling;

/// <summary>What happened to one message of a batch.</summary>
/// <param name="Note">One short phrase, also stored as <c>events.outcome</c>.</param>
internal sealed record MessageOutcome(string MessageId, MessageDisposition Disposition, string Note, string? RejectReason = null);

internal enum MessageDisposition
{
    /// <summary>Stored and applied to the rules.</summary>
    Stored,

    /// <summary>Already stored earlier (a redelivery): nothing was done.</summary>
    Duplicate,

    /// <summary>Stored as a rejected message with its reason.</summary>
    Rejected,
}
