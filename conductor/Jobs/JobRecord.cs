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

    /// <summary>The route the job was launched with; a follow-up's, its parent's, from the start.</summary>
    public string? CloneUrl { get; init; }

    public string? BaseBranch { get; init; }

    /// <summary>A follow-up's parent: the job that opened the pull request.</summary>
    public string? ParentJobId { get; init; }

    public int? FollowUpSequence { get; init; }

    public string? PullRequestUrl { get; init; }

    /// <summary>A pending follow-up collects further triggers until then, and is not launched before.</summary>
    public DateTimeOffset? CoalesceUntil { get; init; }

    public bool IsFollowUp => Kind == JobKinds.FollowUp;

    /// <summary>"ticket PAY-1 (project PAY)", "incident 7 (account 111122223333)" or "follow-up 2 of job X (acme/pay#7)", for reasons and logs.</summary>
    public string Describe() => Kind switch
    {
        JobKinds.Ticket => $"ticket {TicketKey} (project {ProjectKey})",
        JobKinds.FollowUp => $"follow-up {FollowUpSequence} of job {ParentJobId} ({PullRequestUrls.Describe(PullRequestUrl ?? "")})",
        _ => $"incident {IncidentId} (account {Account})",
    };
}
