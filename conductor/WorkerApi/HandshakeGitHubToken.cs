using AgentConductor.Conductor.GitHub;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Routing;
using Grpc.Core;
using AgentConductor.Proto.V1;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>
/// The GitHub token a handshake hands its worker: minted afresh for each call when a GitHub App is configured, none
/// otherwise (the worker then uses its environment's <c>GITHUB_TOKEN</c>). A job whose repository the App cannot reach
/// fails visibly: a launched job moves to <c>failed</c> with the reason and the call fails with FAILED_PRECONDITION.
/// GitHub being unreachable fails the call with UNAVAILABLE, which the worker retries.
/// </summary>
internal sealed partial class HandshakeGitHubToken(
    WorkerJobStore store, TimeProvider time, ILogger<HandshakeGitHubToken> logger, IInstallationTokens? tokens = null)
{
    public async Task<GitHubToken?> MintAsync(WorkerJob job, RepositoryRoute route, CancellationToken cancellationToken)
    {
        if (tokens is null)
        {
            return null;
        }

        try
        {
            var repository = RepositoryName.TryParse(route.CloneUrl, out var name)
                ? name
                : throw new GitHubAppException($"the route's clone URL '{route.CloneUrl}' names no GitHub repository (owner/name), so no App token can be scoped to it", retryable: false);
            var minted = await tokens.MintAsync(repository, cancellationToken);
            return new GitHubToken { Token = minted.Token, ExpiresAt = Timestamp.FromDateTimeOffset(minted.ExpiresAt), Repository = repository.ToString() };
        }
        catch (GitHubAppException ex) when (ex.Retryable)
        {
            Log.TokenUnavailable(logger, job.Id, ex.Message);
            throw new RpcException(new Status(StatusCode.Unavailable, $"No GitHub token for job {job.Id} yet: {ex.Message}. Retry the handshake."));
        }
        catch (GitHubAppException ex)
        {
            var reason = $"no GitHub token: {ex.Message}";
            Log.TokenRefused(logger, job.Id, ex.Message);
            if (job.State == JobState.Launched)
            {
                await store.FailAsync(job.Id, JobState.Launched, reason, time.GetUtcNow());
            }

            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Job {job.Id} cannot run: {reason}."));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 483, EventName = "GitHubTokenRefused", Level = LogLevel.Error, Message = "Job {JobId} gets no GitHub token: {Reason}")]
        public static partial void TokenRefused(ILogger logger, string jobId, string reason);

        [LoggerMessage(EventId = 484, EventName = "GitHubTokenUnavailable", Level = LogLevel.Warning, Message = "No GitHub token for job {JobId} yet, the worker will retry: {Reason}")]
        public static partial void TokenUnavailable(ILogger logger, string jobId, string reason);
    }
}
