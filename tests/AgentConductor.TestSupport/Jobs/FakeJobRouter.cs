using AgentConductor.Conductor.Jobs;

namespace AgentConductor.TestSupport.Jobs;

/// <summary>
/// Routes by a function of the job; by default every ticket or incident gets its own repository
/// (<c>https://git.example/acme/&lt;ticket or incident&gt;.git</c>). <see cref="Unrouted"/> keys get no route.
/// </summary>
internal sealed class FakeJobRouter : IJobRouter
{
    public Func<JobRecord, JobRoute?> Rule { get; set; } =
        job => new JobRoute($"https://git.example/acme/{job.TicketKey ?? "incident-" + job.IncidentId}.git", "main");

    public HashSet<string> Unrouted { get; } = new(StringComparer.Ordinal);

    public JobRoute? Route(JobRecord job) =>
        Unrouted.Contains(job.TicketKey ?? job.Account ?? "") || Unrouted.Contains(job.ProjectKey ?? "") ? null : Rule(job);
}
