using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Routing;

/// <summary>The dispatcher's router: the job's ticket (project, components, labels) or account against the configured routes.</summary>
internal sealed class ConfiguredJobRouter(RouteTable routes, ConductorDatabase database) : IJobRouter
{
    public JobRoute? Route(JobRecord job)
    {
        using var connection = database.OpenConnection();
        using var db = new Statements(connection);
        var details = JobDetailsReader.Read(db, job.Id);
        return details is not null && routes.Find(details.RouteSubject) is { } route ? new JobRoute(route.CloneUrl, route.BaseBranch) : null;
    }
}
