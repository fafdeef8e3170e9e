using System.Runtime.ExceptionServices;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.Telemetry;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Keeps active jobs honest: a worker the launcher reports ended fails the job; a missed handshake or heartbeat
/// stops the worker and loses the job (retried while it never ran); a job over <c>JobTimeout</c> is asked to cancel
/// and stopped after the grace (<c>timed_out</c>); a requested cancel is enforced after the grace. The first pass
/// after startup re-adopts live workers (fresh heartbeat window) and stops workers no active job owns.
/// </summary>
internal sealed partial class Reconciler(
    JobStore store, ILauncher launcher, DispatchSignal signal, IOptions<ReconcileOptions> options, TimeProvider time, ILogger<Reconciler> logger)
{
    private static readonly JobState[] Watched = [JobState.Launched, JobState.Connected, JobState.Running];

    private bool _adopted;
    private bool _adoptFailing;
    private DateTimeOffset? _startedAt;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        _startedAt ??= time.GetUtcNow();
        if (!_adopted)
        {
            try
            {
                await AdoptAsync(cancellationToken);
                _adopted = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A launcher that cannot list its workers (throttled, not allowed) must not stop deadlines and
                // timeouts from being enforced; adoption is tried again next pass.
                if (!_adoptFailing)
                {
                    Log.AdoptFailed(logger, ex);
                    _adoptFailing = true;
                }
            }
        }

        var jobs = store.InStates(Watched).ToList();
        var statuses = await WorkerStatusLookup.ForJobsAsync(launcher, jobs, cancellationToken);
        foreach (var failure in statuses.Failures)
        {
            Log.StatusCheckFailed(logger, failure.References.Count, WorkerStatusLookup.JobIdsOf(jobs, failure.References), failure.Error);
        }

        foreach (var job in jobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WorkerStatus? status;
            if (job.LauncherRef is not { } reference)
            {
                status = WorkerStatus.Gone("the job has no launcher reference");
            }
            else if (!statuses.TryGet(reference, out status))
            {
                continue; // the launcher could not be asked about it this pass (logged above)
            }

            try
            {
                await CheckAsync(job, status, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One job that cannot be decided (its stop failed) must not hold up the others.
                Log.CheckFailed(logger, job.Id, ex);
            }
        }
    }

    private async Task AdoptAsync(CancellationToken cancellationToken)
    {
        // Listed before the jobs are read: a worker the dispatcher starts meanwhile then belongs to an active job.
        var workers = await launcher.ListAsync(cancellationToken);
        var active = store.Active().ToDictionary(j => j.Id, StringComparer.Ordinal);
        foreach (var worker in workers)
        {
            if (worker.Status is WorkerStatus.RunningStatus && IsOrphan(worker, active.GetValueOrDefault(worker.JobId)))
            {
                Log.OrphanStopped(logger, worker.Reference, worker.JobId);
                await launcher.StopAsync(worker.Reference, options.Value.StopGrace, cancellationToken);
            }
        }

        var now = time.GetUtcNow();
        var live = active.Values.Where(j => j.State is JobState.Connected or JobState.Running && j.LauncherRef is not null).ToList();
        var statuses = await WorkerStatusLookup.ForJobsAsync(launcher, live, cancellationToken);
        foreach (var job in live)
        {
            // A live worker reconnects with its token; it gets a full heartbeat window from the restart on.
            if (statuses.TryGet(job.LauncherRef!, out var status) && status is WorkerStatus.RunningStatus)
            {
                store.Update(job.Id, "last_seen_at = max(coalesce(last_seen_at, 0), @now)", [job.State], ("@now", UnixTime.ToMs(now)));
                Log.Adopted(logger, job.Id, job.LauncherRef!);
            }
        }

        if (statuses.Failures.Count > 0)
        {
            // Adoption is tried again next pass, for the workers it could not ask about.
            ExceptionDispatchInfo.Throw(statuses.Failures[0].Error);
        }
    }

    /// <summary>
    /// A running worker no active job owns: its job ended, or is another worker than the job's own (a launcher that
    /// starts a new worker per launch, like ECS, may leave an earlier one). A launching job's worker is the dispatcher's.
    /// </summary>
    private static bool IsOrphan(KnownWorker worker, JobRecord? job) =>
        job is null || (job.State != JobState.Launching && job.LauncherRef != worker.Reference);

    private async Task CheckAsync(JobRecord job, WorkerStatus status, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var launchedAt = job.LaunchedAt ?? job.CreatedAt;
        if (status is not WorkerStatus.RunningStatus)
        {
            var ended = Describe(status);
            if (job.CancelRequestedAt is { } requested)
            {
                Finish(job, CancelledState(job, requested), $"{CancelReason(job)}; {ended}");
            }
            else if (job.State == JobState.Launched)
            {
                // It never connected: a start that went wrong (an image pull, a Spot interruption, a worker left over from an
                // earlier launch holding a revoked token), not the job's own failure. Lost, so it is retried.
                Lose(job, $"{ended} before its handshake");
            }
            else
            {
                Finish(job, JobState.Failed, ended);
            }
        }
        else if (job.CancelRequestedAt is { } requested)
        {
            if (now >= requested + settings.CancelGrace)
            {
                await StopAsync(job, cancellationToken);
                Finish(job, CancelledState(job, requested), $"{CancelReason(job)}; stopped after {settings.CancelGrace}");
            }
        }
        else if (job.State == JobState.Launched && now >= SinceStartup(launchedAt) + settings.HandshakeTimeout)
        {
            await StopAsync(job, cancellationToken);
            Lose(job, $"no handshake within Reconcile:HandshakeTimeout ({settings.HandshakeTimeout}) of launch");
        }
        else if (job.State != JobState.Launched && now >= SinceStartup(job.LastSeenAt ?? launchedAt) + settings.HeartbeatTimeout)
        {
            await StopAsync(job, cancellationToken);
            Lose(job, $"no heartbeat for Reconcile:HeartbeatTimeout ({settings.HeartbeatTimeout})");
        }
        else if (now >= launchedAt + settings.JobTimeout)
        {
            var reason = $"ran longer than Reconcile:JobTimeout ({settings.JobTimeout})";
            store.Update(job.Id, "cancel_requested_at = @at, cancel_reason = CAST(@reason AS TEXT)", [job.State], ("@at", UnixTime.ToMs(now)), ("@reason", reason));
            JobTracing.Decision("job.reconcile", job, "cancel_requested");
            Log.TimeoutCancelRequested(logger, job.Id, reason);
        }
    }

    // A worker is not blamed for the time the conductor was down: its handshake and heartbeat windows start no earlier
    // than this conductor's first pass, even when adoption could not ask the launcher about it.
    private DateTimeOffset SinceStartup(DateTimeOffset at) => _startedAt is { } started && started > at ? started : at;

    // A cancel requested at or after the job's deadline is the timeout's own (or came too late to matter).
    private JobState CancelledState(JobRecord job, DateTimeOffset requestedAt) =>
        requestedAt >= (job.LaunchedAt ?? job.CreatedAt) + options.Value.JobTimeout ? JobState.TimedOut : JobState.Cancelled;

    private static string CancelReason(JobRecord job) => job.CancelReason is { } reason ? $"cancelled: {reason}" : "cancelled";

    private static string Describe(WorkerStatus status) => status switch
    {
        WorkerStatus.ExitedStatus exited => $"worker exited with code {exited.ExitCode}",
        WorkerStatus.GoneStatus gone => $"worker gone: {gone.Reason}",
        _ => "worker running",
    };

    private async Task StopAsync(JobRecord job, CancellationToken cancellationToken)
    {
        if (job.LauncherRef is { } reference)
        {
            await launcher.StopAsync(reference, options.Value.StopGrace, cancellationToken);
        }
    }

    private void Finish(JobRecord job, JobState to, string reason)
    {
        if (store.Move(job.Id, job.State, to, reason, time.GetUtcNow()))
        {
            JobTracing.Decision("job.reconcile", job, JobStates.ToName(to));
            Log.Ended(logger, job.Id, JobStates.ToName(to), reason);
            signal.Poke();
        }
    }

    private void Lose(JobRecord job, string reason)
    {
        var settings = options.Value;
        var retry = settings.RetryLost && job.State != JobState.Running && job.Attempt < settings.MaxAttempts;
        var now = time.GetUtcNow();
        var moved = store.InTransaction(db =>
        {
            var writer = new JobWriter(db);
            if (!writer.TryMove(job.Id, job.State, JobState.Lost, reason, now))
            {
                return false;
            }

            if (retry)
            {
                writer.TryMove(job.Id, JobState.Lost, JobState.Pending, $"retry: attempt {job.Attempt + 1} of {settings.MaxAttempts} (the worker was lost before it ran)", now);
                db.Execute(
                    """
                    UPDATE jobs SET attempt = attempt + 1, launch_attempts = 0, next_launch_at = NULL, launched_at = NULL, launcher_ref = NULL,
                        repository = NULL, last_seen_at = NULL, cancel_requested_at = NULL, cancel_reason = NULL
                    WHERE id = @id
                    """,
                    ("@id", job.Id));
            }

            return true;
        });
        if (moved)
        {
            JobTracing.Decision("job.reconcile", job, JobStates.ToName(retry ? JobState.Pending : JobState.Lost));
            Log.Lost(logger, job.Id, reason, retry);
            signal.Poke();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 410, EventName = "JobEnded", Level = LogLevel.Warning, Message = "Job {JobId} is {State}: {Reason}")]
        public static partial void Ended(ILogger logger, string jobId, string state, string reason);

        [LoggerMessage(EventId = 411, EventName = "JobLost", Level = LogLevel.Warning, Message = "Job {JobId} lost: {Reason} (retried: {Retried})")]
        public static partial void Lost(ILogger logger, string jobId, string reason, bool retried);

        [LoggerMessage(EventId = 412, EventName = "JobTimeoutCancelRequested", Level = LogLevel.Warning, Message = "Job {JobId} {Reason}: cancel requested")]
        public static partial void TimeoutCancelRequested(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 413, EventName = "WorkerOrphanStopped", Level = LogLevel.Warning, Message = "Worker {Reference} runs for job {JobId}, which is not active or has another worker: stopping it")]
        public static partial void OrphanStopped(ILogger logger, string reference, string jobId);

        [LoggerMessage(EventId = 415, EventName = "JobCheckFailed", Level = LogLevel.Error, Message = "Checking job {JobId} failed; it is checked again on the next pass")]
        public static partial void CheckFailed(ILogger logger, string jobId, Exception exception);

        [LoggerMessage(EventId = 417, EventName = "JobStatusCheckFailed", Level = LogLevel.Error, Message = "Asking the launcher about the workers of {Count} jobs failed; they are checked again on the next pass: {JobIds}")]
        public static partial void StatusCheckFailed(ILogger logger, int count, string jobIds, Exception exception);

        [LoggerMessage(EventId = 416, EventName = "WorkerAdoptionFailed", Level = LogLevel.Error, Message = "Listing the launcher's workers after the restart failed; active jobs are checked meanwhile and the listing is tried again every pass")]
        public static partial void AdoptFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 414, EventName = "WorkerAdopted", Level = LogLevel.Information, Message = "Job {JobId}: worker {Reference} still runs after the restart; waiting for it to reconnect")]
        public static partial void Adopted(ILogger logger, string jobId, string reference);
    }
}
