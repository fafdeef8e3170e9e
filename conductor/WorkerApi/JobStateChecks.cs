using AgentConductor.Conductor.Jobs;
using Grpc.Core;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Which job states each call accepts; the rest fail with FAILED_PRECONDITION.</summary>
internal static class JobStateChecks
{
    public static void EnsureNotTerminal(WorkerJob job)
    {
        if (JobStates.IsTerminal(job.State))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job {job.Id} is already {JobStates.ToName(job.State)}."));
        }
    }

    /// <summary>Calls after the handshake need a job that is connected or running.</summary>
    public static void EnsureConnected(WorkerJob job)
    {
        EnsureNotTerminal(job);
        if (job.State is not (JobState.Connected or JobState.Running))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job {job.Id} is {JobStates.ToName(job.State)}: call Handshake first."));
        }
    }
}
