using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Routing;
using AgentConductor.Conductor.Sessions;
using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Proto.V1;
using Grpc.Core;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// What a follow-up's handshake adds: the route its parent was launched with (never the routing settings: the pull
/// request lives there), and the agent session to resume served among its task files. The session is chosen and copied
/// once, when its task files are assembled; the spec names it only while the copy served is that session.
/// </summary>
internal sealed class FollowUpHandshake(TaskFileAssembler taskFiles, SessionStore sessions)
{
    /// <summary>Where the session archive is among the follow-up's task files.</summary>
    public const string SessionTaskFile = "session/" + SessionStore.FileName;

    /// <summary>
    /// What a worker must declare (<c>HandshakeRequest.capabilities</c>) to be handed a follow-up. A worker from before
    /// follow-ups would read the spec as a ticket's: create the branch afresh from the base and push it over the pull
    /// request's branch with a lease on its current commit. Such a worker is refused and the job failed with the reason.
    /// </summary>
    public const string Capability = "follow-up";

    /// <summary>The parent's repository and base branch, as recorded with the follow-up.</summary>
    public static RepositoryRoute Route(JobDetails job)
    {
        if (job.FollowUp is not { CloneUrl: { Length: > 0 } cloneUrl } followUp)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Follow-up {job.JobId} has no repository recorded (its parent was never launched with one)."));
        }

        return new RepositoryRoute { CloneUrl = cloneUrl, BaseBranch = followUp.BaseBranch is { Length: > 0 } baseBranch ? baseBranch : "main" };
    }

    /// <exception cref="TaskFileException">The task files cannot be assembled.</exception>
    public async Task<(IReadOnlyList<TaskFile> Files, AgentSession? Session)> TaskFilesAsync(
        JobDetails job, string branch, RepositoryRoute route, CancellationToken cancellationToken)
    {
        var followUp = job.FollowUp!;
        var candidate = sessions.LatestBefore(followUp.ParentJobId, followUp.Sequence);
        var files = taskFiles.TryLoad(job.JobId);
        if (files is null)
        {
            List<ExtraTaskFile> extras = [];
            if (candidate is not null && await sessions.OpenVerifiedAsync(candidate, cancellationToken) is { } path)
            {
                extras.Add(new ExtraTaskFile(SessionTaskFile, path));
            }

            files = await taskFiles.EnsureAsync(job, branch, route, extras, cancellationToken);
        }

        var served = files.FirstOrDefault(f => f.Path == SessionTaskFile);
        var session = served is not null && candidate is not null && served.Sha256 == candidate.Sha256
            ? new AgentSession { ThreadId = candidate.ThreadId, TaskFile = SessionTaskFile, JobId = candidate.JobId }
            : null;
        return (files, session);
    }
}
