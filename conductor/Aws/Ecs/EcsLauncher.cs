using AgentConductor.Conductor.Launching;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.Aws.Ecs;

/// <summary>
/// Runs each worker as an ECS task (Fargate by default); the reference is the task ARN. The job's address, id and token
/// travel as environment overrides of the worker container, never in a log line.
/// </summary>
/// <remarks>
/// Idempotency: every RunTask carries a client token made of the job id, the attempt and a launch number, so a retried
/// request (a lost answer, a 5xx) maps onto the task the first one started. Each launch by the dispatcher mints a new
/// job token, which makes it a different request for ECS: if an earlier launch of the same attempt did start a task
/// (its answer was lost, or the conductor crashed before recording it), ECS answers ConflictException with that task.
/// Its token has been replaced, so it could never handshake: it is stopped and the next launch number is used. A new
/// attempt (after a lost worker) gets fresh tokens and so always a new task.
/// </remarks>
internal sealed partial class EcsLauncher(EcsClient ecs, IOptions<EcsLauncherOptions> options, ILogger<EcsLauncher> logger) : ILauncher
{
    /// <summary>Launch numbers tried per attempt before giving up (each superseded launch uses one).</summary>
    public const int MaxLaunchesPerAttempt = 32;

    public const string StopReason = "Stopped by agent-conductor: the job was cancelled, timed out, or its worker was lost";
    public const string SupersededReason = "Stopped by agent-conductor: superseded by a relaunch of the same job with a new job token";

    public async Task<LaunchedWorker> LaunchAsync(LaunchRequest request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var length = EcsRunTaskRequests.OverridesLength(EcsRunTaskRequests.Build(settings, request, 1));
        if (length > EcsRunTaskRequests.MaxOverridesLength)
        {
            throw new LaunchException(
                $"the worker's container overrides are {length} characters; ECS allows {EcsRunTaskRequests.MaxOverridesLength} (is Dispatch:ConductorUrl unusually long?)",
                retryable: false);
        }

        for (var launch = 1; launch <= MaxLaunchesPerAttempt; launch++)
        {
            var run = EcsRunTaskRequests.Build(settings, request, launch);
            try
            {
                return Started(request, run, await ecs.RunTaskAsync(run, cancellationToken));
            }
            catch (EcsClientTokenConflictException conflict)
            {
                Log.Superseded(logger, request.JobId, run.ClientToken!, string.Join(", ", conflict.TaskArns));
                foreach (var arn in conflict.TaskArns)
                {
                    await StopSupersededAsync(request.JobId, arn, cancellationToken);
                }
            }
            catch (Exception ex) when (Failure(ex, cancellationToken) is { } failure)
            {
                throw failure;
            }
        }

        throw new LaunchException(
            $"attempt {request.Attempt} of job {request.JobId} was launched {MaxLaunchesPerAttempt} times; ECS client tokens for it are used up for a day",
            retryable: false);
    }

    public async Task<WorkerStatus> GetStatusAsync(string reference, CancellationToken cancellationToken)
    {
        if (!EcsTaskStatus.IsTaskArn(reference))
        {
            return EcsTaskStatus.NotATask(reference);
        }

        var answer = await ecs.DescribeTasksAsync(new DescribeTasksRequest(options.Value.Cluster, [reference]), cancellationToken);
        return EcsTaskStatus.In(answer, reference, options.Value.ContainerName);
    }

    /// <summary>
    /// One DescribeTasks per 100 task ARNs. A call that fails (after the client's retries) leaves out only its own tasks;
    /// the others are still asked about.
    /// </summary>
    public async Task<WorkerStatuses> GetStatusesAsync(IReadOnlyCollection<string> references, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var statuses = new WorkerStatuses();
        var arns = new List<string>();
        foreach (var reference in references.Distinct(StringComparer.Ordinal))
        {
            if (EcsTaskStatus.IsTaskArn(reference))
            {
                arns.Add(reference);
            }
            else
            {
                statuses.Add(reference, EcsTaskStatus.NotATask(reference));
            }
        }

        foreach (var chunk in arns.Chunk(DescribeTasksRequest.MaxTasks))
        {
            try
            {
                var answer = await ecs.DescribeTasksAsync(new DescribeTasksRequest(settings.Cluster, chunk), cancellationToken);
                foreach (var arn in chunk)
                {
                    statuses.Add(arn, EcsTaskStatus.In(answer, arn, settings.ContainerName));
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                statuses.Fail(chunk, ex);
            }
        }

        return statuses;
    }

    /// <summary>
    /// StopTask: ECS sends the worker SIGTERM and, after the container's <c>stopTimeout</c> (task definition; 30 s by
    /// default, at most 120 s on Fargate), SIGKILL. That is the grace; <paramref name="grace"/> is not ECS's to take, and
    /// this returns once ECS accepted the stop. A task that is gone already counts as stopped.
    /// </summary>
    public async Task StopAsync(string reference, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!EcsTaskStatus.IsTaskArn(reference))
        {
            Log.NotATask(logger, reference);
            return;
        }

        try
        {
            var answer = await ecs.StopTaskAsync(new StopTaskRequest(options.Value.Cluster, reference, StopReason), cancellationToken);
            Log.StopRequested(logger, reference, answer.Task?.LastStatus ?? "unknown");
        }
        catch (AwsRequestException ex)
        {
            if (await GetStatusAsync(reference, cancellationToken) is WorkerStatus.RunningStatus)
            {
                throw;
            }

            Log.AlreadyGone(logger, reference, ex.AwsMessage);
        }
    }

    /// <summary>Tasks started with <c>EcsLauncher:StartedBy</c>, running or stopped within about the last hour.</summary>
    public async Task<IReadOnlyList<KnownWorker>> ListAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // startedBy must be ListTasks' only filter, so this lists tasks ECS wants running (its default). Stopped tasks
        // need no listing: the reconciler asks DescribeTasks about each active job's own task.
        var arns = new List<string>();
        string? next = null;
        do
        {
            var page = await ecs.ListTasksAsync(new ListTasksRequest(settings.Cluster, settings.StartedBy, null, DescribeTasksRequest.MaxTasks, next), cancellationToken);
            arns.AddRange(page.TaskArns);
            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));

        var workers = new List<KnownWorker>();
        foreach (var batch in arns.Chunk(DescribeTasksRequest.MaxTasks))
        {
            var answer = await ecs.DescribeTasksAsync(new DescribeTasksRequest(settings.Cluster, batch, ["TAGS"]), cancellationToken);
            foreach (var task in answer.Tasks)
            {
                if (EcsTaskStatus.JobIdOf(task, settings.ContainerName) is { Length: > 0 } jobId)
                {
                    workers.Add(new KnownWorker(jobId, task.TaskArn, EcsTaskStatus.Of(task, settings.ContainerName)));
                }
                else
                {
                    Log.NoJobId(logger, task.TaskArn, settings.StartedBy);
                }
            }
        }

        return workers;
    }

    private LaunchedWorker Started(LaunchRequest request, RunTaskRequest run, RunTaskResponse answer)
    {
        if (answer.Tasks.FirstOrDefault() is { TaskArn.Length: > 0 } task)
        {
            Log.Started(logger, request.JobId, task.TaskArn, task.LastStatus ?? "unknown", run.ClientToken!);
            return new LaunchedWorker(task.TaskArn) { Size = WorkerSize.FromEcs(task.Cpu, task.Memory) };
        }

        // Capacity (RESOURCE:MEMORY, "Capacity is unavailable at this time") and placement failures pass with time.
        throw new LaunchException(
            answer.Failures.Count > 0
                ? $"ECS could not start the task: {string.Join("; ", answer.Failures)}"
                : "ECS RunTask answered with neither a task nor a failure",
            retryable: true);
    }

    private async Task StopSupersededAsync(string jobId, string arn, CancellationToken cancellationToken)
    {
        try
        {
            await ecs.StopTaskAsync(new StopTaskRequest(options.Value.Cluster, arn, SupersededReason), cancellationToken);
        }
        catch (Exception ex) when (ex is AwsException or HttpRequestException)
        {
            // Its job token is revoked, so it cannot handshake; it ends by itself (exit 41) or at the reconciler.
            Log.SupersededNotStopped(logger, jobId, arn, ex.Message);
        }
    }

    private LaunchException? Failure(Exception ex, CancellationToken cancellationToken)
    {
        var endpoint = ecs.Endpoint.Url;
        return ex switch
        {
            AwsThrottledException or AwsServiceUnavailableException =>
                new LaunchException($"ECS is busy or failing: {ex.Message}", retryable: true, ex),
            AwsAccessDeniedException aws => new LaunchException(
                $"ECS refused RunTask: {aws.Code}: {aws.AwsMessage} (the conductor's role needs ecs:RunTask, ecs:TagResource and iam:PassRole for the task's roles)",
                retryable: false, ex),
            AwsRequestException aws => new LaunchException(
                $"ECS rejected RunTask: {aws.Code}: {aws.AwsMessage} (check the EcsLauncher settings and the task definition)", retryable: false, ex),
            AwsCredentialsException => new LaunchException(ex.Message, retryable: false, ex),
            HttpRequestException => new LaunchException($"ECS at {endpoint} could not be reached: {ex.Message}", retryable: true, ex),
            TaskCanceledException when !cancellationToken.IsCancellationRequested =>
                new LaunchException($"ECS at {endpoint} did not answer RunTask in time", retryable: true, ex),
            _ => null,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 460, EventName = "EcsTaskStarted", Level = LogLevel.Information, Message = "Job {JobId}: ECS task {TaskArn} started ({LastStatus}, client token {ClientToken})")]
        public static partial void Started(ILogger logger, string jobId, string taskArn, string lastStatus, string clientToken);

        [LoggerMessage(EventId = 461, EventName = "EcsTaskSuperseded", Level = LogLevel.Warning, Message = "Job {JobId}: client token {ClientToken} already started [{TaskArns}] with an earlier job token; stopping those and launching anew")]
        public static partial void Superseded(ILogger logger, string jobId, string clientToken, string taskArns);

        [LoggerMessage(EventId = 462, EventName = "EcsSupersededTaskNotStopped", Level = LogLevel.Warning, Message = "Job {JobId}: could not stop superseded task {TaskArn}: {Reason}")]
        public static partial void SupersededNotStopped(ILogger logger, string jobId, string taskArn, string reason);

        [LoggerMessage(EventId = 463, EventName = "EcsTaskStopRequested", Level = LogLevel.Information, Message = "ECS task {TaskArn}: stop requested (was {LastStatus}); ECS sends SIGTERM, then SIGKILL after the container's stopTimeout")]
        public static partial void StopRequested(ILogger logger, string taskArn, string lastStatus);

        [LoggerMessage(EventId = 464, EventName = "EcsTaskAlreadyGone", Level = LogLevel.Information, Message = "ECS task {TaskArn} was already stopped or gone: {Reason}")]
        public static partial void AlreadyGone(ILogger logger, string taskArn, string reason);

        [LoggerMessage(EventId = 465, EventName = "EcsTaskWithoutJobId", Level = LogLevel.Warning, Message = "ECS task {TaskArn} was started by {StartedBy} but carries no JOB_ID; ignored")]
        public static partial void NoJobId(ILogger logger, string taskArn, string startedBy);

        [LoggerMessage(EventId = 466, EventName = "EcsNotATask", Level = LogLevel.Warning, Message = "'{Reference}' is not an ECS task ARN; nothing to stop")]
        public static partial void NotATask(ILogger logger, string reference);
    }
}
