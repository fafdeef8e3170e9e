namespace AgentConductor.Conductor.Jobs;

/// <summary>What a new job is about. <see cref="Kind"/> is <c>ticket</c> or <c>incident</c>.</summary>
internal sealed record JobSeed(string Kind, string? TicketKey, long? IncidentId, string? Account, string? ProjectKey, string Reason)
{
    public static JobSeed ForTicket(string key, string projectKey) =>
        new("ticket", key, null, null, projectKey, $"ticket {key} first seen");

    public static JobSeed ForIncident(long incidentId, string account) =>
        new("incident", null, incidentId, account, null, $"incident {incidentId} opened for account {account}");
}
