using AgentConductor.Conductor.Storage;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Cancels a job: a pending one at once; an active one by recording the request (the worker hears of it and winds
/// down), after which the reconciler stops it at the launcher once <c>Reconcile:CancelGrace</c> has passed.
/// </summary>
internal sealed partial class JobCanceller(JobStore store, TimeProvider time, ILogger<JobCanceller> logger)
{
    public Task<CancelOutcome> CancelAsync(string jobId, string reason, CancellationToken cancellationToken)
    {
        // Two rounds: a pending job can be taken by the dispatcher between the read and the move.
        for (var round = 0; round < 2; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var job = store.Find(jobId);
            if (job is null)
            {
                return Task.FromResult(CancelOutcome.NotFound);
            }

            var now = time.GetUtcNow();
            if (job.State == JobState.Pending)
            {
                if (store.Move(jobId, JobState.Pending, JobState.Cancelled, $"cancelled: {reason}", now))
                {
                    Log.Cancelled(logger, jobId, reason);
                    return Task.FromResult(CancelOutcome.Cancelled);
                }

                continue;
            }

            if (JobStates.IsTerminal(job.State))
            {
                return Task.FromResult(CancelOutcome.AlreadyEnded);
            }

            if (store.Update(jobId, "cancel_requested_at = coalesce(cancel_requested_at, @at), cancel_reason = coalesce(cancel_reason, CAST(@reason AS TEXT))",
                [.. JobStates.Active], ("@at", UnixTime.ToMs(now)), ("@reason", reason)))
            {
                Log.Requested(logger, jobId, reason);
                return Task.FromResult(CancelOutcome.Requested);
            }
        }

        return Task.FromResult(CancelOutcome.AlreadyEnded);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 420, EventName = "JobCancelled", Level = LogLevel.Information, Message = "Job {JobId} cancelled before launch: {Reason}")]
        public static partial void Cancelled(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 421, EventName = "JobCancelRequested", Level = LogLevel.Information, Message = "Job {JobId}: cancel requested ({Reason}); its worker is stopped if still active after the grace period")]
        public static partial void Requested(ILogger logger, string jobId, string reason);
    }
}
