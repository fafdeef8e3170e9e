using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Notify;
using AgentConductor.Conductor.Routing;
using AgentConductor.Conductor.Secrets;
using AgentConductor.Conductor.TaskFiles;
using AgentConductor.Conductor.Telemetry;
using Grpc.Core;
using AgentConductor.Proto.V1;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// <c>agentconductor.v1.WorkerService</c> on the generated base (Grpc.AspNetCore): Handshake, Heartbeat and ReportResult
/// here; DownloadTaskFiles in <see cref="TaskFileStreamer"/>, PublishProgress in <see cref="ProgressReceiver"/>, UploadSession
/// in <see cref="Sessions.SessionReceiver"/>; a follow-up's route, session and spec in <see cref="FollowUpHandshake"/>. Every rpc
/// checks the call's job token itself (<see cref="WorkerAuthenticator"/>), against the job its request names.
/// </summary>
internal sealed partial class WorkerService(
    WorkerAuthenticator authenticator,
    WorkerJobStore store,
    HeartbeatBoard board,
    RouteTable routes,
    TaskFileAssembler taskFiles,
    TaskFileStreamer streamer,
    ProgressReceiver progress,
    FollowUpHandshake followUps,
    Sessions.SessionReceiver sessions,
    HandshakeGitHubToken gitHubTokens,
    SecretRegistry secrets,
    IOptions<AgentOptions> agent,
    IOptions<WorkerApiOptions> options,
    IOptions<NotifyOptions> notify,
    TimeProvider timeProvider,
    ILogger<WorkerService> logger) : Proto.V1.WorkerService.WorkerServiceBase
{
    public override Task DownloadTaskFiles(DownloadTaskFilesRequest request, IServerStreamWriter<TaskFileChunk> responseStream, ServerCallContext context)
        => streamer.DownloadAsync(request, responseStream, context);

    public override Task<PublishProgressResponse> PublishProgress(IAsyncStreamReader<ProgressUpdate> requestStream, ServerCallContext context)
        => progress.PublishAsync(requestStream, context);

    public override Task<UploadSessionResponse> UploadSession(IAsyncStreamReader<SessionChunk> requestStream, ServerCallContext context)
        => sessions.UploadAsync(requestStream, context);

    public override async Task<HandshakeResponse> Handshake(HandshakeRequest request, ServerCallContext context)
    {
        var job = authenticator.Authenticate(context, request.JobId);
        JobStateChecks.EnsureNotTerminal(job);
        if (job.State is JobState.Pending or JobState.Launching)
        {
            // The launcher mints the token before it records 'launched'; a fast worker retries.
            throw new RpcException(new Status(StatusCode.Unavailable, $"Job {job.Id} is still being launched; retry the handshake."));
        }

        var details = store.ReadDetails(job.Id) ?? throw new RpcException(new Status(StatusCode.NotFound, $"Job {job.Id} does not exist."));
        var isFollowUp = details.Kind == JobKinds.FollowUp;
        if (isFollowUp && !request.Capabilities.Contains(FollowUpHandshake.Capability))
        {
            var reason = $"worker {UntrustedText.Inline(request.WorkerVersion, 100)} does not declare the '{FollowUpHandshake.Capability}' capability, so it would push over the pull request's branch: update the worker image";
            Log.FollowUpRefused(logger, job.Id, reason);
            if (job.State == JobState.Launched)
            {
                await store.FailAsync(job.Id, JobState.Launched, reason, timeProvider.GetUtcNow());
            }

            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job {job.Id} is a follow-up: {reason}."));
        }

        var route = isFollowUp
            ? FollowUpHandshake.Route(details)
            : routes.Find(details.RouteSubject)
                ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"No route for {details.Kind} job {job.Id} ({details.RouteSubject}): configure Routing."));
        var branch = job.Branch ?? (!isFollowUp
            ? BranchNames.For(job.Id, details.Title, details.Kind)
            : throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Follow-up {job.Id} has no branch recorded: it cannot push onto its pull request.")));
        IReadOnlyList<TaskFile> files;
        AgentSession? session = null;
        try
        {
            (files, session) = isFollowUp
                ? await followUps.TaskFilesAsync(details, branch, route, context.CancellationToken)
                : (await taskFiles.EnsureAsync(details, branch, route, context.CancellationToken), null);
        }
        catch (TaskFileException ex)
        {
            Log.TaskFilesRefused(logger, job.Id, ex.Message);
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The task files of job {job.Id} cannot be served: {ex.Message}"));
        }

        var gitHubToken = await gitHubTokens.MintAsync(job, route, context.CancellationToken);
        var version = UntrustedText.Inline(request.WorkerVersion, 100);
        if (job.State == JobState.Launched && !await store.ConnectAsync(job.Id, job.Attempt, version, branch, timeProvider.GetUtcNow()))
        {
            // Moved meanwhile: a concurrent handshake connected it (fine) or it became terminal (not fine).
            JobStateChecks.EnsureNotTerminal(store.Find(job.Id)!);
        }

        Log.HandshakeAccepted(logger, job.Id, version, job.Attempt, request.HandshakeRetries);
        var spec = JobSpecFactory.Create(details, branch, route, agent.Value, options.Value.HeartbeatInterval, files, gitHubToken);
        JobSpecFactory.AddBudget(spec, store.ReadPricing(job.Id), NotifyEventReader.Links(notify.Value.PublicUrl, job.Id)?.Job);
        if (details.FollowUp is { } followUp)
        {
            JobSpecFactory.AddFollowUp(spec, followUp, session);
        }

        return new HandshakeResponse { Job = spec };
    }

    public override async Task<HeartbeatResponse> Heartbeat(HeartbeatRequest request, ServerCallContext context)
    {
        var started = timeProvider.GetTimestamp();
        var working = request.Phase >= WorkerPhase.Cloning;
        var phase = request.Phase.ToString();
        var step = UntrustedText.Inline(request.CurrentStep, 200);
        var token = JobTokens.FromAuthorization(context.RequestHeaders.GetValue("authorization"));
        if (token is null || request.JobId.Length == 0)
        {
            throw Refusal(context, request.JobId);
        }

        var now = timeProvider.GetUtcNow();
        if (board.TryRecord(request.JobId, token, phase, step, now) is { } known)
        {
            WorkerApiTelemetry.HeartbeatAnswered(request.JobId, "memory", timeProvider.GetElapsedTime(started));
            return Answer(known);
        }

        var outcome = await store.TryHeartbeatAsync(request.JobId, token, phase, step, working, now) ?? throw Refusal(context, request.JobId);
        var after = outcome.Job;
        var cancel = new CancelState(after.CancelRequestedAt, after.CancelReason);
        if (outcome.StartedRunning)
        {
            Log.JobRunning(logger, after.Id, phase);
        }

        if (after.State == JobState.Running)
        {
            board.Track(after.Id, after.TokenHash!, cancel);
        }

        WorkerApiTelemetry.HeartbeatAnswered(after.Id, "database", timeProvider.GetElapsedTime(started));
        return Answer(cancel);
    }

    // Every answer names the configured interval, so running workers follow a conductor deployed with a new one.
    private HeartbeatResponse Answer(CancelState cancel)
    {
        var answer = new HeartbeatResponse { NextHeartbeatInterval = Duration.FromTimeSpan(options.Value.HeartbeatInterval) };
        if (cancel.RequestedAt is not null)
        {
            answer.CancelRequested = true;
            answer.CancelReason = cancel.Reason ?? "cancelled";
        }

        return answer;
    }

    /// <summary>Not a connected job's own token: these checks fail the call with the status that says why.</summary>
    private RpcException Refusal(ServerCallContext context, string jobId)
    {
        var job = authenticator.Authenticate(context, jobId);
        JobStateChecks.EnsureConnected(job);
        return new RpcException(new Status(StatusCode.Aborted, $"Job {job.Id} changed while its heartbeat was recorded; send it again."));
    }

    public override async Task<ReportResultResponse> ReportResult(ReportResultRequest request, ServerCallContext context)
    {
        var job = authenticator.Authenticate(context, request.JobId);
        var result = WorkerResults.From(request, options.Value.MaxSummaryBytes, secrets)
            ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "ReportResultRequest.status must be set."));
        for (var attempt = 0; attempt < 3; attempt++, job = store.Find(job.Id)!)
        {
            if (JobStates.IsTerminal(job.State))
            {
                return Repeat(job, result);
            }

            JobStateChecks.EnsureConnected(job);
            if (await store.StoreResultAsync(job.Id, job.State, result, timeProvider.GetUtcNow()))
            {
                board.Evict(job.Id);
                WorkerApiTelemetry.ResultStored(result.Usage);
                Log.ResultReported(logger, job.Id, result.Key.Status);
                return new ReportResultResponse { JobState = JobStates.ToName(result.Target) };
            }
        }

        throw new RpcException(new Status(StatusCode.Aborted, $"Job {job.Id} kept changing state; report the result again."));
    }

    /// <summary>A report for a terminal job: the same result again succeeds, anything else is refused.</summary>
    private ReportResultResponse Repeat(WorkerJob job, WorkerResult result)
    {
        if (store.ReadResult(job.Id) != result.Key)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job {job.Id} is already {JobStates.ToName(job.State)}; a different result cannot be reported."));
        }

        return new ReportResultResponse { JobState = JobStates.ToName(job.State) };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 501, EventName = "HandshakeAccepted", Level = LogLevel.Information, Message = "Worker {WorkerVersion} connected for job {JobId} (attempt {Attempt}, {Retries} retries)")]
        public static partial void HandshakeAccepted(ILogger logger, string jobId, string workerVersion, int attempt, int retries);

        [LoggerMessage(EventId = 502, EventName = "JobRunning", Level = LogLevel.Information, Message = "Job {JobId} is running ({Phase})")]
        public static partial void JobRunning(ILogger logger, string jobId, string phase);

        [LoggerMessage(EventId = 503, EventName = "ResultReported", Level = LogLevel.Information, Message = "Job {JobId} reported {Status}")]
        public static partial void ResultReported(ILogger logger, string jobId, string status);

        [LoggerMessage(EventId = 494, EventName = "FollowUpRefusedToWorker", Level = LogLevel.Error, Message = "Follow-up {JobId} refused to its worker: {Reason}")]
        public static partial void FollowUpRefused(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 504, EventName = "TaskFilesRefused", Level = LogLevel.Error, Message = "Task files of job {JobId} refused: {Reason}")]
        public static partial void TaskFilesRefused(ILogger logger, string jobId, string reason);
    }
}
