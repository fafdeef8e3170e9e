namespace AgentConductor.Conductor.Jobs;

/// <summary>What a new job is about. <see cref="Kind"/> is one of <see cref="JobKinds"/>.</summary>
internal sealed record JobSeed(string Kind, string? TicketKey, long? IncidentId, string? Account, string? ProjectKey, string Reason)
{
    /// <summary>Set for a follow-up only.</summary>
    public FollowUpSeed? FollowUp { get; init; }

    public static JobSeed ForTicket(string key, string projectKey) =>
        new("ticket", key, null, null, projectKey, $"ticket {key} first seen");

    public static JobSeed ForIncident(long incidentId, string account) =>
        new("incident", null, incidentId, account, null, $"incident {incidentId} opened for account {account}");

    /// <summary>A follow-up counts against its parent's account and project caps, so it takes both.</summary>
    public static JobSeed ForFollowUp(FollowUpSeed followUp, string? account, string? projectKey, string why) =>
        new(JobKinds.FollowUp, null, null, account, projectKey, $"follow-up {followUp.Sequence} of job {followUp.ParentJobId} ({PullRequestUrls.Describe(followUp.PullRequestUrl)}): {why}")
        {
            FollowUp = followUp,
        };
}
