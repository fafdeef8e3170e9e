namespace AgentConductor.Conductor.Jobs;

/// <summary>Finds the repository a job works on (from the ticket's project or the incident's account).</summary>
internal interface IJobRouter
{
    /// <summary>The route for <paramref name="job"/>, or null when nothing is configured for it.</summary>
    JobRoute? Route(JobRecord job);
}
