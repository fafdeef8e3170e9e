namespace AgentConductor.Conductor.Jobs;

/// <summary>A job row as the dispatcher and the reconciler read it.</summary>
internal sealed record JobRecord(
    string Id,
    string Kind,
    JobState State,
    int Attempt,
    string? TicketKey,
    long? IncidentId,
    string? Account,
    string? ProjectKey,
    DateTimeOffset CreatedAt)
{
    public int LaunchAttempts { get; init; }

    public DateTimeOffset? NextLaunchAt { get; init; }

    public DateTimeOffset? LaunchedAt { get; init; }

    public string? LauncherRef { get; init; }

    /// <summary>The normalised clone URL the job claims while it is active.</summary>
    public string? Repository { get; init; }

    public DateTimeOffset? LastSeenAt { get; init; }

    public DateTimeOffset? CancelRequestedAt { get; init; }

    public string? CancelReason { get; init; }

    /// <summary>The W3C traceparent of the job's trace (<c>job.schedule</c>); null when tracing was off as it was created.</summary>
    public string? TraceParent { get; init; }

    /// <summary>"ticket PAY-1 (project PAY)" or "incident 7 (account 111122223333)", for reasons and logs.</summary>
    public string Describe() => Kind == "ticket"
        ? $"ticket {TicketKey} (project {ProjectKey})"
        : $"incident {IncidentId} (account {Account})";
}
