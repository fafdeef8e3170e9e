namespace AgentConductor.Conductor.Jobs;

/// <summary>The kinds of job, as stored in <c>jobs.kind</c>; each has a template folder of the same name.</summary>
internal static class JobKinds
{
    public const string Ticket = "ticket";
    public const string Incident = "incident";

    /// <summary>Answers reviews, mentions or failed checks on the pull request its parent job opened.</summary>
    public const string FollowUp = "followup";

    public static IReadOnlyList<string> All { get; } = [Ticket, Incident, FollowUp];
}
