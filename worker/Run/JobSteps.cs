using System.Text.Json;
using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Budget;
using AgentConductor.Worker.Conductor;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.Processes;
using AgentConductor.Worker.Workspace;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.Run;

/// <summary>
/// The work of one job in a fresh workspace; every failure becomes a <see cref="JobOutcome"/>, never an exception.
/// The work folder holds what is the worker's (<c>task/</c>: the task files; <c>state/</c>: its own git repository,
/// both readable by the worker only), what is the agent's (<c>repo/</c>, the working copy, handed to the agent's user)
/// and <c>agent/</c>, through which the agent reaches its own home.
/// </summary>
internal sealed partial class JobSteps(
    WorkerSettings settings, JobSpec spec, IConductorClient conductor, IGitWorkspace git, IAgentRunner agent, PullRequestPublisher? publisher,
    JobSafety safety, HeartbeatLoop heartbeat, ProgressPump progress, TimeProvider time, ILogger logger, GitHubCredential? gitHub = null,
    JobBudgetGate? budget = null,
    FollowUps.FollowUpSupport? followUps = null)
{
    private const UnixFileMode WorkerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private const UnixFileMode Passable = WorkerOnly | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>A conductor token closer than this to its expiry is replaced before the push (push and pull request take up to 10 minutes).</summary>
    private static readonly TimeSpan TokenRefreshMargin = TimeSpan.FromMinutes(15);

    private string TaskFolder => Path.Combine(settings.WorkDirectory, "task");

    private string StateFolder => Path.Combine(settings.WorkDirectory, "state");

    private string AgentFolder => Path.Combine(settings.WorkDirectory, "agent");

    private string RepositoryFolder => Path.Combine(settings.WorkDirectory, "repo");

    public async Task<JobOutcome> RunAsync(CancellationToken cancellationToken)
    {
        if (spec.Repositories.Count == 0)
        {
            return JobOutcome.Fail(WorkerExitCodes.TaskFilesInvalid, "no_repository", "the job spec names no repository");
        }

        var repository = spec.Repositories[0];
        Uri? modelBaseUrl = null;
        if (spec.Agent?.ModelBaseUrl is { Length: > 0 } url && (modelBaseUrl = CodexModelProvider.ParseBaseUrl(url)) is null)
        {
            return JobOutcome.Fail(WorkerExitCodes.InvalidConfiguration, "job_spec", $"the job spec's model base URL '{url}' is not an absolute http:// or https:// URL");
        }

        try
        {
            EmptyWorkDirectory();
            UnixFiles.CreateFolder(TaskFolder, WorkerOnly);
            UnixFiles.CreateFolder(StateFolder, WorkerOnly);
            UnixFiles.CreateFolder(AgentFolder, Passable);

            progress.Log($"downloading {spec.TaskFiles.Count} task files");
            await new TaskFileDownloader(conductor, logger).DownloadAsync(TaskFolder, spec.TaskFiles, cancellationToken);
        }
        catch (TaskFileException ex)
        {
            return JobOutcome.Fail(WorkerExitCodes.TaskFilesInvalid, "task_files", ex.Message);
        }
        catch (ConductorUnreachableException ex)
        {
            return JobOutcome.Fail(WorkerExitCodes.ConductorUnreachable, "conductor_unreachable", ex.Message);
        }
        catch (ConductorRejectedException ex)
        {
            return JobOutcome.Fail(WorkerExitCodes.ConductorRejected, "conductor_rejected", ex.Message);
        }
        catch (OperationCanceledException)
        {
            return Cancelled();
        }

        return await WorkAsync(repository, modelBaseUrl, cancellationToken);
    }

    /// <summary>
    /// Empties the work folder rather than deleting it: the folder itself may belong to someone else (the image's
    /// <c>/work</c>), and only what is in it is this job's.
    /// </summary>
    private void EmptyWorkDirectory()
    {
        var folder = new DirectoryInfo(settings.WorkDirectory);
        if (!folder.Exists)
        {
            folder.Create();
            return;
        }

        foreach (var entry in folder.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory && !entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                directory.Delete(recursive: true);
            }
            else
            {
                entry.Delete();
            }
        }
    }

    private async Task<JobOutcome> WorkAsync(Repository repository, Uri? modelBaseUrl, CancellationToken cancellationToken)
    {
        heartbeat.Phase = WorkerPhase.Cloning;
        GitCheckout checkout;
        try
        {
            checkout = await CheckOutAsync(repository, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return Cancelled();
        }
        catch (Exception ex)
        {
            return JobOutcome.Fail(WorkerExitCodes.GitFailed, "git", $"clone failed: {ex.Message}");
        }

        heartbeat.Phase = WorkerPhase.RunningAgent;
        var step = new AgentStepTally(heartbeat);
        var run = await agent.RunAsync(
            new AgentRunRequest
            {
                JobId = spec.JobId,
                RepositoryPath = RepositoryFolder,
                Prompt = Prompt(),
                ModelKey = safety.Secrets.ModelKey,
                StateDirectory = AgentFolder,
                Model = spec.Agent?.Model,
                ModelBaseUrl = modelBaseUrl,
                ExtraConfig = spec.Agent?.ExtraConfig ?? new Google.Protobuf.Collections.MapField<string, string>(),
                IdleTimeout = spec.Agent?.IdleTimeout?.ToTimeSpan() is { Ticks: > 0 } idle ? idle : null,
                Timeout = spec.Agent?.OverallTimeout?.ToTimeSpan() is { Ticks: > 0 } overall ? overall : null,
                Resume = SessionToResume(),
            },
            update =>
            {
                step.Observe(update);
                return progress.PublishAsync(update);
            },
            cancellationToken);
        if (safety.Account.User is { } user && AgentLeftovers.Stop(user.Uid) is > 0 and var stopped)
        {
            LogLeftoversStopped(logger, stopped, user.ToString());
        }

        var outcome = await PublishAsync(checkout, repository, run, cancellationToken);
        await HandOverSessionAsync(run);
        return outcome;
    }

    /// <summary>
    /// Whatever the agent did is committed and pushed; a pull request only follows a successful run, or one the job's
    /// budget stopped (it says so). A cancel stops the pull request (a GitHub call or its retry wait) but not the push before it.
    /// </summary>
    private async Task<JobOutcome> PublishAsync(GitCheckout checkout, Repository repository, AgentRunResult run, CancellationToken cancellationToken)
    {
        // Publishing must finish even when the job was cancelled: the agent is already stopped, and pushing saves its work.
        using var publishing = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var token = publishing.Token;
        var stop = BudgetStop.Of(budget, run);
        var agentOutcome = stop?.Outcome(run) ?? AgentOutcomeFor(run);
        string? head = null;
        try
        {
            heartbeat.Phase = WorkerPhase.Pushing;
            await git.CommitAllAsync(checkout, $"{spec.Title}\n\nAgent-Conductor-Job: {spec.JobId}", token);
            head = await git.CollectAsync(checkout, token);
            await ReportChangedFilesAsync(checkout, head, token);
            if (string.Equals(head, checkout.BaseCommit, StringComparison.Ordinal))
            {
                var unchanged = run.Outcome == AgentOutcome.Succeeded
                    ? agentOutcome with { Status = ResultStatus.NoChanges, ExitCode = WorkerExitCodes.NoChanges }
                    : agentOutcome;
                return spec.FollowUp is null ? unchanged : await AnswerFollowUpAsync(unchanged, run, repository, null, token, cancellationToken);
            }

            await RefreshGitHubTokenAsync(token);
            await git.PushAsync(checkout, head, token);
            head = checkout.RemoteBranchCommit ?? head; // a merge commit when a continued branch had moved meanwhile
            progress.Log($"pushed {spec.BranchName} at {head}");
        }
        catch (Exception ex)
        {
            return run.Outcome == AgentOutcome.Succeeded
                ? JobOutcome.Fail(WorkerExitCodes.GitFailed, "git", $"push failed: {ex.Message}") with { Summary = run.Summary, Usage = run.Usage }
                : agentOutcome with { ErrorMessage = $"{agentOutcome.ErrorMessage}; push of the partial work failed too: {ex.Message}" };
        }

        var pushed = agentOutcome with { Branch = spec.BranchName, HeadCommit = head };
        if (spec.FollowUp is not null)
        {
            return await AnswerFollowUpAsync(pushed, run, repository, head, token, cancellationToken);
        }

        if ((run.Outcome != AgentOutcome.Succeeded && stop is null) || publisher is null || gitHub is { HasToken: false } || PullRequestRepository(repository) is not { } gitHubRepository)
        {
            return pushed;
        }

        using var openingPullRequest = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
        try
        {
            heartbeat.Phase = WorkerPhase.OpeningPullRequest;
            var pullRequest = await publisher.PublishAsync(
                new PullRequestPublication
                {
                    Repository = gitHubRepository,
                    HeadBranch = spec.BranchName,
                    BaseBranch = repository.BaseBranch,
                    Title = safety.Masker.Mask(Title()),
                    Body = safety.Masker.Mask(PullRequestBody.Build(BudgetStop.Describe(new PullRequestBodyContent
                    {
                        Summary = run.Summary ?? "(the agent left no summary)",
                        SourceTitle = spec.Title,
                        SourceUrl = SourceUrl(),
                        JobId = spec.JobId,
                        InputTokens = run.Usage.InputTokens,
                        CachedInputTokens = run.Usage.CachedInputTokens,
                        OutputTokens = run.Usage.OutputTokens,
                        Commands = run.CommandsRun,
                    }, stop, budget, run.Usage, spec.JobUrl))),
                    Draft = settings.DraftPullRequests,
                },
                openingPullRequest.Token);
            progress.Log($"pull request {(pullRequest.Reused ? "updated" : "opened")}: {pullRequest.Url}");
            return pushed with { PullRequestUrl = pullRequest.Url.ToString() };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return pushed with { Status = ResultStatus.Cancelled, ExitCode = WorkerExitCodes.Cancelled, ErrorCode = "cancelled", ErrorMessage = "cancelled while opening the pull request; the branch is pushed" };
        }
        catch (Exception ex) when (stop is not null)
        {
            return pushed with { ErrorMessage = $"{pushed.ErrorMessage}; the branch is pushed but the pull request failed: {ex.Message}" };
        }
        catch (Exception ex)
        {
            return pushed with { Status = ResultStatus.Failed, ExitCode = WorkerExitCodes.GitHubFailed, ErrorCode = "github", ErrorMessage = $"the branch is pushed but the pull request failed: {ex.Message}" };
        }
    }

    /// <summary>
    /// The conductor's installation token lives an hour; a run that outlasted most of it asks the conductor for a fresh one
    /// (a repeated handshake mints anew) before the push. A failed refresh leaves the old token, which may still do.
    /// </summary>
    private async Task RefreshGitHubTokenAsync(CancellationToken cancellationToken)
    {
        if (gitHub is not { FromConductor: true, ExpiresAt: { } expiresAt } || expiresAt - time.GetUtcNow() > TokenRefreshMargin)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var fresh = (await conductor.HandshakeAsync(WorkerVersion.Handshake(), linked.Token)).Job?.GithubToken;
            if (fresh is { Token.Length: > 0 })
            {
                gitHub.Use(fresh.Token, fresh.ExpiresAt?.ToDateTimeOffset(), fromConductor: true);
                progress.Log($"GitHub token renewed (it expired at {expiresAt:O}; the new one at {fresh.ExpiresAt?.ToDateTimeOffset():O})");
            }
        }
        catch (Exception ex) when (ex is ConductorUnreachableException or ConductorRejectedException or OperationCanceledException)
        {
            LogTokenRefreshFailed(logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1020, EventName = "GitHubTokenRefreshFailed", Level = LogLevel.Warning, Message = "Could not renew the GitHub token before the push ({Reason}); pushing with the current one")]
    private static partial void LogTokenRefreshFailed(ILogger logger, string reason);

    /// <summary>What the agent changed, from git after the run: a file changed by a shell command has no event of its own.</summary>
    private async Task ReportChangedFilesAsync(GitCheckout checkout, string head, CancellationToken cancellationToken)
    {
        var files = await git.ChangedFilesAsync(checkout, head, cancellationToken);
        progress.Log(files.Count == 0 ? "no files changed" : $"{files.Count} files changed: {string.Join(", ", files)}");
        if (files.Count > 0)
        {
            var changed = new FilesChanged();
            changed.Paths.AddRange(files);
            await progress.PublishAsync(ProgressUpdates.Event(spec.JobId, time.GetUtcNow(), e => e.FilesChanged = changed));
        }
    }

    private GitHubRepository? PullRequestRepository(Repository repository)
    {
        if (settings.GitHubRepository is { } named)
        {
            var parts = named.Split('/');
            return new GitHubRepository(settings.GitHubApiUrl?.Host ?? "github.com", parts[0], parts[1]);
        }

        return GitHubRepository.TryParse(repository.CloneUrl, out var parsed) ? parsed : null;
    }

    private static JobOutcome AgentOutcomeFor(AgentRunResult run)
    {
        var outcome = run.Outcome switch
        {
            AgentOutcome.Succeeded => new JobOutcome(ResultStatus.Succeeded, WorkerExitCodes.Succeeded),
            AgentOutcome.TimedOut => new JobOutcome(ResultStatus.TimedOut, WorkerExitCodes.AgentTimedOut, "agent_timeout", run.FailureReason),
            AgentOutcome.Cancelled => new JobOutcome(ResultStatus.Cancelled, WorkerExitCodes.Cancelled, "cancelled", run.FailureReason),
            AgentOutcome.Idle => new JobOutcome(ResultStatus.Failed, WorkerExitCodes.AgentTimedOut, "agent_idle", run.FailureReason),
            _ => new JobOutcome(ResultStatus.Failed, WorkerExitCodes.AgentFailed, "agent_failed", run.FailureReason),
        };
        return outcome with { Summary = run.Summary, Usage = run.Usage };
    }

    private static JobOutcome Cancelled() => new(ResultStatus.Cancelled, WorkerExitCodes.Cancelled, "cancelled", "cancelled before the agent ran");

    private string Title()
    {
        if (spec.Kind == JobKind.Ticket)
        {
            return PullRequestTitle.ForTicket(spec.TicketKey, spec.Title);
        }

        var alarm = spec.Title.Contains(": ", StringComparison.Ordinal) ? spec.Title[(spec.Title.IndexOf(": ", StringComparison.Ordinal) + 2)..] : spec.Title;
        return PullRequestTitle.ForIncident(long.TryParse(spec.IncidentId, out var id) ? id : 0, spec.Account, alarm);
    }

    /// <summary>The task files are the agent's instructions: AGENTS.md (how to work) then TASK.md (what to do).</summary>
    private string Prompt()
    {
        var parts = new[] { "AGENTS.md", "TASK.md" }.Select(name => Path.Combine(TaskFolder, name)).Where(File.Exists).Select(File.ReadAllText).ToList();
        return parts.Count > 0 ? string.Join("\n\n", parts) : $"Work on: {spec.Title}";
    }

    private Uri? SourceUrl()
    {
        try
        {
            using var job = JsonDocument.Parse(File.ReadAllText(Path.Combine(TaskFolder, "job.json")));
            return FindUrl(job.RootElement) is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            return null;
        }
    }

    private static string? FindUrl(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().Select(p => p.Name == "url" && p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : FindUrl(p.Value)).FirstOrDefault(u => u is not null),
        _ => null,
    };

    [LoggerMessage(EventId = 1013, EventName = "AgentLeftoversStopped", Level = LogLevel.Warning, Message = "The agent left {Count} processes running (user {User}) after it exited; killed them before committing its work")]
    private static partial void LogLeftoversStopped(ILogger logger, int count, string user);
}
