using AgentConductor.Common;
using AgentConductor.Conductor.Costs;
using AgentConductor.Conductor.Launching;
using AgentConductor.Conductor.Shutdown;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.Telemetry;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// Launches pending jobs in creation order within the caps and repository claims (<see cref="DispatchPlanner"/>).
/// A launch is <c>pending -> launching</c> (a conditional update, so two dispatchers never launch one job), a fresh
/// token, the launcher call, then <c>launching -> launched</c>. The first pass after startup relaunches jobs left in
/// <c>launching</c> by a crash; a worker that did start then is replaced by the launcher, so a job never has two.
/// A follow-up is routed to its parent's repository and branch (stored with it), never through the configured routes.
/// Daily budgets hold jobs like caps do (<see cref="DailyBudgets"/>); a launched job gets its prices and per-job caps
/// fixed on its row (<see cref="JobPricer"/>), which its worker's spec repeats.
/// </summary>
internal sealed partial class Dispatcher(
    JobStore store, IJobRouter router, IJobTokenIssuer tokens, ILauncher launcher, ShutdownGate gate,
    IOptions<DispatchOptions> options, IWorkerCallbackAddress callbackAddress, DailyBudgets budgets, JobPricer pricer,
    Backoff backoff, TimeProvider time, ILogger<Dispatcher> logger)
{
    private bool _recovered;

    /// <summary>One pass; returns how many workers it launched. Nothing happens while the shutdown gate is closed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (gate.IsClosed)
        {
            return 0;
        }

        var launched = 0;
        if (!_recovered)
        {
            launched += await RecoverAsync(cancellationToken);
            _recovered = true;
        }

        var now = time.GetUtcNow();
        var plan = DispatchPlanner.Plan(store.Active(), store.InStates(JobState.Pending), Route, options.Value, now, gateClosed: false, budgets.For(now));
        foreach (var step in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (step.Reason == WaitReason.NoRoute)
            {
                store.Move(step.Job.Id, JobState.Pending, JobState.Failed, step.Detail, time.GetUtcNow());
                JobTracing.Decision("job.dispatch", step.Job, JobStates.ToName(JobState.Failed));
                Log.NoRoute(logger, step.Job.Id, step.Detail);
            }
            else if (step.Reason == WaitReason.Ready && !gate.IsClosed && await LaunchAsync(step, cancellationToken))
            {
                launched++;
            }
        }

        return launched;
    }

    /// <summary>Pending jobs in queue order with why each waits (the same rules a pass applies).</summary>
    public IReadOnlyList<QueuePosition> QueuePositions()
    {
        var now = time.GetUtcNow();
        var plan = DispatchPlanner.Plan(store.Active(), store.InStates(JobState.Pending), Route, options.Value, now, gate.IsClosed, budgets.For(now));
        var position = 0;
        return [.. plan.Where(s => s.Reason != WaitReason.NoRoute).Select(s => new QueuePosition(s.Job.Id, ++position, s.Reason, s.Detail))];
    }

    private async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var launched = 0;
        foreach (var job in store.InStates(JobState.Launching))
        {
            if (Route(job) is not { } route)
            {
                if (store.Move(job.Id, JobState.Launching, JobState.Failed, $"no route for {job.Describe()}: no repository is configured for it", time.GetUtcNow()))
                {
                    JobTracing.Decision("job.dispatch", job, JobStates.ToName(JobState.Failed));
                }

                continue;
            }

            Log.Relaunching(logger, job.Id);
            if (await StartWorkerAsync(job, route, cancellationToken))
            {
                launched++;
            }
        }

        return launched;
    }

    /// <summary>
    /// A follow-up's route is its parent's (the clone URL and base branch it launched with); a parent launched before they
    /// were recorded gives the base branch of its route today.
    /// </summary>
    private JobRoute? Route(JobRecord job)
    {
        if (!job.IsFollowUp)
        {
            return router.Route(job);
        }

        if (job.CloneUrl is not { } cloneUrl)
        {
            return null;
        }

        var baseBranch = job.BaseBranch ?? (job.ParentJobId is { } parent && store.Find(parent) is { } parentJob ? router.Route(parentJob)?.BaseBranch : null);
        return new JobRoute(cloneUrl, baseBranch ?? "");
    }

    private async Task<bool> LaunchAsync(DispatchStep step, CancellationToken cancellationToken)
    {
        var job = step.Job with { LaunchAttempts = step.Job.LaunchAttempts + 1, Repository = step.Repository };
        var moved = store.Move(
            job.Id, JobState.Pending, JobState.Launching, $"launch {job.LaunchAttempts} of attempt {job.Attempt}", time.GetUtcNow(),
            "launch_attempts = @attempts, next_launch_at = NULL, repository = @repository, clone_url = @clone, base_branch = @base",
            ("@attempts", job.LaunchAttempts), ("@repository", job.Repository), ("@clone", step.Route!.CloneUrl), ("@base", step.Route.BaseBranch));
        return moved && await StartWorkerAsync(job, step.Route!, cancellationToken);
    }

    private async Task<bool> StartWorkerAsync(JobRecord job, JobRoute route, CancellationToken cancellationToken)
    {
        LaunchedWorker worker;
        try
        {
            var token = tokens.Issue(job.Id);
            var request = new LaunchRequest(job.Id, job.Attempt, token, callbackAddress.Resolve(), route.CloneUrl, route.BaseBranch)
            {
                Kind = job.Kind,
                Subject = job.Kind switch { JobKinds.Ticket => job.TicketKey, JobKinds.FollowUp => job.ParentJobId, _ => job.Account },
            };
            worker = await LaunchTelemetry.LaunchAsync(launcher, request, job.TraceParent, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw; // The job stays in launching; the next conductor relaunches it.
        }
        catch (LaunchException ex)
        {
            LaunchFailed(job, ex.Message, ex.Retryable);
            return false;
        }
        catch (Exception ex)
        {
            Log.LaunchCrashed(logger, job.Id, ex);
            LaunchFailed(job, ex.Message, retryable: true);
            return false;
        }

        var now = time.GetUtcNow();
        var subject = job.Describe();
        if (store.Move(job.Id, JobState.Launching, JobState.Launched, $"launched as {worker.Reference}", now,
            $"launcher_ref = @ref, launched_at = @at, {JobPricing.SetColumns}", [("@ref", worker.Reference), ("@at", UnixTime.ToMs(now)), .. pricer.For(worker).Parameters()]))
        {
            Log.Launched(logger, job.Id, worker.Reference, subject);
            return true;
        }

        // The job left launching while the launcher worked (cancelled): its worker must not run on.
        Log.LaunchedButGone(logger, job.Id, worker.Reference);
        await launcher.StopAsync(worker.Reference, TimeSpan.Zero, cancellationToken);
        return false;
    }

    private void LaunchFailed(JobRecord job, string message, bool retryable)
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (!retryable || job.LaunchAttempts >= settings.MaxLaunchAttempts)
        {
            var reason = retryable ? $"launch failed {job.LaunchAttempts} times, last: {message}" : $"launch failed: {message}";
            store.Move(job.Id, JobState.Launching, JobState.Failed, reason, now);
            Log.LaunchGaveUp(logger, job.Id, reason);
            return;
        }

        var next = now + backoff.Delay(job.LaunchAttempts, settings.LaunchRetryBase, settings.LaunchRetryCap);
        store.Move(job.Id, JobState.Launching, JobState.Pending, $"launch {job.LaunchAttempts} failed: {message}; next try at {next:O}", now,
            "next_launch_at = @next", ("@next", UnixTime.ToMs(next)));
        Log.LaunchRetry(logger, job.Id, job.LaunchAttempts, message, next);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 400, EventName = "JobLaunched", Level = LogLevel.Information, Message = "Job {JobId} ({Subject}) launched as {Reference}")]
        public static partial void Launched(ILogger logger, string jobId, string reference, string subject);

        [LoggerMessage(EventId = 401, EventName = "JobNoRoute", Level = LogLevel.Warning, Message = "Job {JobId} failed: {Reason}")]
        public static partial void NoRoute(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 402, EventName = "JobLaunchRetry", Level = LogLevel.Warning, Message = "Launch {Attempts} of job {JobId} failed: {Message}; next try at {NextAt}")]
        public static partial void LaunchRetry(ILogger logger, string jobId, int attempts, string message, DateTimeOffset nextAt);

        [LoggerMessage(EventId = 403, EventName = "JobLaunchFailed", Level = LogLevel.Error, Message = "Job {JobId} failed: {Reason}")]
        public static partial void LaunchGaveUp(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 404, EventName = "JobRelaunching", Level = LogLevel.Warning, Message = "Job {JobId} was left launching by an earlier conductor: launching it again")]
        public static partial void Relaunching(ILogger logger, string jobId);

        [LoggerMessage(EventId = 405, EventName = "JobLaunchCrashed", Level = LogLevel.Error, Message = "Launching job {JobId} threw unexpectedly; treated as a retryable launch failure")]
        public static partial void LaunchCrashed(ILogger logger, string jobId, Exception exception);

        [LoggerMessage(EventId = 406, EventName = "JobLaunchedButGone", Level = LogLevel.Warning, Message = "Job {JobId} left launching while its worker {Reference} started: stopping the worker")]
        public static partial void LaunchedButGone(ILogger logger, string jobId, string reference);
    }
}
