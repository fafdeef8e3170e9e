using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Routing;
using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Proto.V1;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Builds the <see cref="JobSpec"/> a handshake returns.</summary>
internal static class JobSpecFactory
{
    /// <param name="gitHubToken">The token minted for this handshake, or null without a GitHub App.</param>
    public static JobSpec Create(
        JobDetails job, string branch, RepositoryRoute route, AgentOptions agent, TimeSpan heartbeatInterval, IReadOnlyList<TaskFile> files, GitHubToken? gitHubToken = null)
    {
        var spec = new JobSpec
        {
            JobId = job.JobId,
            Kind = job.IsTicket ? JobKind.Ticket : JobKind.Incident,
            BranchName = branch,
            Title = job.Title,
            TicketKey = job.TicketKey ?? "",
            Account = job.Account ?? "",
            IncidentId = job.IncidentId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            HeartbeatInterval = Duration.FromTimeSpan(heartbeatInterval),
            GithubToken = gitHubToken,
            Agent = new AgentSettings
            {
                Model = agent.Model ?? "",
                ModelBaseUrl = agent.ModelBaseUrl?.Trim() ?? "",
                IdleTimeout = Duration.FromTimeSpan(agent.IdleTimeout),
                OverallTimeout = Duration.FromTimeSpan(agent.Timeout),
            },
        };
        spec.Repositories.Add(new Repository { CloneUrl = route.CloneUrl, BaseBranch = route.BaseBranch });
        spec.Agent.ExtraConfig.Add(agent.ExtraConfig);
        spec.TaskFiles.AddRange(files.Select(f => new TaskFileInfo { Path = f.Path, Size = f.Size, Mode = f.Mode, Sha256 = f.Sha256 }));
        return spec;
    }
}
