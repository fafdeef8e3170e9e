using AgentConductor.Conductor.Telemetry;
using Grpc.Core;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// Checks the call's <c>authorization: Bearer &lt;token&gt;</c> against the job the request names, as worker.proto
/// documents: no, malformed or unknown token -> UNAUTHENTICATED; a valid token of another job -> PERMISSION_DENIED.
/// Neither the token nor the header ever appears in a status message or a log line.
/// </summary>
internal sealed partial class WorkerAuthenticator(WorkerJobStore store, ILogger<WorkerAuthenticator> logger)
{
    /// <summary>The job named by <paramref name="requestJobId"/>, when the call's token belongs to it.</summary>
    public WorkerJob Authenticate(ServerCallContext context, string requestJobId)
    {
        var token = ReadToken(context);
        if (requestJobId.Length > 0 && store.Find(requestJobId) is { } job && JobTokens.Matches(token, job.TokenHash))
        {
            WorkerApiTelemetry.Authenticated(job.Id);
            return job;
        }

        _ = TokenOwner(context, token);
        if (requestJobId.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "job_id is required."));
        }

        Log.Rejected(logger, context.Method, context.Peer, "token of another job");
        throw new RpcException(new Status(StatusCode.PermissionDenied, $"The job token is not valid for job '{(requestJobId.Length <= 64 ? requestJobId : requestJobId[..64])}'."));
    }

    /// <summary>The job the call's token belongs to (for a stream that named no job yet).</summary>
    public WorkerJob AuthenticateToken(ServerCallContext context)
    {
        var job = TokenOwner(context, ReadToken(context));
        WorkerApiTelemetry.Authenticated(job.Id);
        return job;
    }

    private string ReadToken(ServerCallContext context)
    {
        if (JobTokens.FromAuthorization(context.RequestHeaders.GetValue("authorization")) is { } token)
        {
            return token;
        }

        Log.Rejected(logger, context.Method, context.Peer, "missing or malformed bearer token");
        throw new RpcException(new Status(StatusCode.Unauthenticated, "A job token is required: authorization: Bearer <token>."));
    }

    private WorkerJob TokenOwner(ServerCallContext context, string token)
    {
        if (store.FindByTokenHash(JobTokens.Hash(token)) is { } owner && JobTokens.Matches(token, owner.TokenHash))
        {
            return owner;
        }

        Log.Rejected(logger, context.Method, context.Peer, "unknown token");
        throw new RpcException(new Status(StatusCode.Unauthenticated, "The job token is not valid."));
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, EventName = "WorkerCallRejected", Level = LogLevel.Warning, Message = "Rejected worker call {Method} from {Peer}: {Reason}")]
        public static partial void Rejected(ILogger logger, string method, string peer, string reason);
    }
}
