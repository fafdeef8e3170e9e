namespace AgentConductor.Conductor.Jobs;

/// <summary>One alarm of an incident (a member, or OK/INSUFFICIENT_DATA context). Name, reason and description are untrusted.</summary>
internal sealed record AlarmDetails(string Name, string State, string? Reason, string? Description, string? Region, string? Arn, DateTimeOffset At);
