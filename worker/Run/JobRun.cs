using Microsoft.Extensions.Logging;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.GitHub;
using Google.Protobuf.WellKnownTypes;

namespace AgentConductor.Worker.Run;

/// <summary>
/// One job, start to end: handshake, task files, clone and branch, the agent, a safety-net commit, push (also after
/// a failed agent, so partial work is not lost), open or reuse the pull request (a follow-up: answer on it instead),
/// hand the agent's session to the conductor, report. Heartbeats and progress run
/// alongside; a cancel from the conductor stops the agent (interrupt, grace, kill) and the job reports <c>cancelled</c>.
/// A GitHub token in the job spec (the conductor's GitHub App) replaces the environment's <c>GITHUB_TOKEN</c>. The job's
/// budget (<see cref="JobBudgetGate"/>, the model proxy's gate) is armed with the spec once the handshake brought it.
/// </summary>
internal sealed partial class JobRun(
    WorkerSettings settings,
    IConductorClient conductor,
    IGitWorkspace git,
    IAgentRunner agent,
    PullRequestPublisher? publisher,
    JobSafety safety,
    TimeProvider time,
    ILogger<JobRun> logger,
    GitHubCredential? gitHub = null,
    JobBudgetGate? budget = null,
    FollowUps.FollowUpSupport? followUps = null)
{
    private static readonly TimeSpan ReportTimeout = TimeSpan.FromSeconds(30);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        var started = time.GetTimestamp();
        if (IsUnder(settings.WorkDirectory, Path.GetTempPath()))
        {
            LogWorkDirectoryUnderTemp(logger, settings.WorkDirectory);
        }

        if (safety.Account.NotSeparatedBecause is { } why)
        {
            LogAgentNotSeparated(logger, why);
        }

        JobSpec spec;
        try
        {
            spec = (await conductor.HandshakeAsync(WorkerVersion.Handshake(), cancellationToken)).Job;
        }
        catch (ConductorUnreachableException ex)
        {
            LogConductorProblem(logger, ex.Message);
            return WorkerExitCodes.ConductorUnreachable;
        }
        catch (ConductorRejectedException ex)
        {
            LogConductorProblem(logger, ex.Message);
            return WorkerExitCodes.ConductorRejected;
        }

        if (spec.GithubToken is { Token.Length: > 0 } minted && gitHub is not null)
        {
            var expiresAt = minted.ExpiresAt?.ToDateTimeOffset();
            gitHub.Use(minted.Token, expiresAt, fromConductor: true);
            LogGitHubTokenFromConductor(logger, minted.Repository, expiresAt);
        }

        await using var heartbeat = new HeartbeatLoop(conductor, time, logger);
        await using var progress = new ProgressPump(conductor, safety.Masker, time, logger);
        heartbeat.Start(spec.HeartbeatInterval?.ToTimeSpan() ?? TimeSpan.Zero);
        progress.Start();
        budget?.Arm(spec, started, progress.Publish);
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, heartbeat.CancelRequested);
        if (safety.Account.NotSeparatedBecause is { } unsafeWhy)
        {
            progress.Log($"warning: the agent runs as the worker's own user ({unsafeWhy}): it can read the worker's environment and files, secrets included");
        }

        var outcome = await new JobSteps(settings, spec, conductor, git, agent, publisher, safety, heartbeat, progress, time, logger, gitHub, budget, followUps).RunAsync(job.Token);
        if (outcome.Status == ResultStatus.Cancelled && heartbeat.CancelReason is { } reason)
        {
            outcome = outcome with { ErrorMessage = reason };
        }

        LogFinished(logger, spec.JobId, outcome.Status, outcome.ErrorMessage ?? "");
        heartbeat.Phase = WorkerPhase.Reporting;
        await progress.FlushAsync(TimeSpan.FromSeconds(10));
        await ReportAsync(spec, outcome, startedAt);
        return outcome.ExitCode;
    }

    /// <summary>
    /// Reports the outcome. A stop signal (<c>docker stop</c>, SIGINT) cancels the job, not the report of how it ended:
    /// the report gets its own bounded time instead of the signal's token.
    /// </summary>
    private async Task ReportAsync(JobSpec spec, JobOutcome outcome, DateTimeOffset startedAt)
    {
        using var deadline = new CancellationTokenSource(ReportTimeout, time);
        var report = new ReportResultRequest
        {
            JobId = spec.JobId,
            Status = outcome.Status,
            PullRequestUrl = outcome.PullRequestUrl ?? "",
            Branch = outcome.Branch ?? "",
            HeadCommit = outcome.HeadCommit ?? "",
            Summary = safety.Masker.Mask(outcome.Summary ?? ""),
            Usage = outcome.Usage,
            StartedAt = Timestamp.FromDateTimeOffset(startedAt),
            FinishedAt = Timestamp.FromDateTimeOffset(time.GetUtcNow()),
        };
        if (outcome.ErrorCode is not null)
        {
            report.Error = new ResultError { Code = outcome.ErrorCode, Message = safety.Masker.Mask(outcome.ErrorMessage ?? "") };
        }

        try
        {
            await conductor.ReportResultAsync(report, deadline.Token);
        }
        catch (Exception ex) when (ex is ConductorUnreachableException or ConductorRejectedException)
        {
            // The exit code still tells the conductor (through the launcher) how the job ended.
            LogConductorProblem(logger, ex.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            LogConductorProblem(logger, $"the result could not be reported within {ReportTimeout}");
        }
    }

    private static bool IsUnder(string path, string folder) =>
        Path.GetFullPath(path).StartsWith(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    [LoggerMessage(EventId = 1010, EventName = "WorkDirectoryUnderTemp", Level = LogLevel.Warning, Message = "The work folder {WorkDirectory} is under the temp dir: Codex will not create its helper binaries there (set WORK_DIR elsewhere)")]
    private static partial void LogWorkDirectoryUnderTemp(ILogger logger, string workDirectory);

    [LoggerMessage(EventId = 1014, EventName = "AgentNotSeparated", Level = LogLevel.Warning, Message = "The agent runs as the worker's own user ({Reason}): it can read the worker's environment, memory and files, its secrets included. Run the worker as root (the image's default) to give the agent a user of its own")]
    private static partial void LogAgentNotSeparated(ILogger logger, string reason);

    [LoggerMessage(EventId = 1015, EventName = "GitHubTokenFromConductor", Level = LogLevel.Information, Message = "Using the conductor's GitHub token for {Repository} (expires at {ExpiresAt})")]
    private static partial void LogGitHubTokenFromConductor(ILogger logger, string repository, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 1011, EventName = "ConductorProblem", Level = LogLevel.Error, Message = "Conductor call failed: {Reason}")]
    private static partial void LogConductorProblem(ILogger logger, string reason);

    [LoggerMessage(EventId = 1012, EventName = "JobFinished", Level = LogLevel.Information, Message = "Job {JobId} finished: {Status} {Error}")]
    private static partial void LogFinished(ILogger logger, string jobId, ResultStatus status, string error);
}
