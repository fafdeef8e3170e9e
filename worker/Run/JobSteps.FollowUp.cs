using AgentConductor.Proto.V1;
using AgentConductor.Worker.Agent;
using AgentConductor.Worker.Git;
using AgentConductor.Worker.Sessions;
using AgentConductor.Worker.Workspace;

namespace AgentConductor.Worker.Run;

/// <summary>
/// The steps that differ for a follow-up (<see cref="JobSpec.FollowUp"/>), and the session handoff every run ends with.
/// A follow-up checks out its pull request's existing branch instead of creating one from the base, resumes the agent's
/// earlier Codex session when the conductor served one, pushes on top of the branch (never over anyone's commits) and,
/// instead of opening a pull request, answers the comments that sent it back.
/// </summary>
internal sealed partial class JobSteps
{
    private string OwnRepository => Path.Combine(StateFolder, "repo.git");

    private Task<GitCheckout> CheckOutAsync(Repository repository, CancellationToken cancellationToken)
    {
        if (spec.FollowUp is null)
        {
            progress.Log($"cloning {repository.CloneUrl} ({repository.BaseBranch})");
            return git.CheckOutAsync(repository.CloneUrl, repository.BaseBranch, spec.BranchName, RepositoryFolder, OwnRepository, cancellationToken);
        }

        progress.Log($"cloning {repository.CloneUrl} at the pull request's branch {spec.BranchName}");
        return git.CheckOutExistingAsync(repository.CloneUrl, repository.BaseBranch, spec.BranchName, RepositoryFolder, OwnRepository, cancellationToken);
    }

    /// <summary>The session the conductor served with the task files, to resume; null (said in the log for a follow-up) when there is none.</summary>
    private AgentResume? SessionToResume()
    {
        if (spec.FollowUp is not { } followUp)
        {
            return null;
        }

        if (followUp.Session is not { ThreadId.Length: > 0, TaskFile.Length: > 0 } session)
        {
            progress.Log("no agent session was kept for this pull request: the agent starts afresh");
            return null;
        }

        try
        {
            var archive = WorkspacePaths.Resolve(TaskFolder, session.TaskFile);
            if (File.Exists(archive))
            {
                progress.Log($"resuming the agent's session (thread {session.ThreadId}, left by job {session.JobId})");
                return new AgentResume(session.ThreadId, archive);
            }
        }
        catch (TaskFileException)
        {
            // An unsafe path from the spec: treated as no session at all.
        }

        progress.Log($"the job spec names the session file '{session.TaskFile}', which is not among the task files: the agent starts afresh");
        return null;
    }

    /// <summary>
    /// After a follow-up's successful run (with or without new commits): the answers on its pull request. The outcome
    /// carries the pull request either way; replies that cannot be posted fail the job with the commits still pushed.
    /// </summary>
    private async Task<JobOutcome> AnswerFollowUpAsync(
        JobOutcome outcome, AgentRunResult run, Repository repository, string? pushedCommit, CancellationToken token, CancellationToken cancellationToken)
    {
        var followUp = spec.FollowUp!;
        outcome = outcome with { PullRequestUrl = followUp.PullRequest?.Url is { Length: > 0 } url ? url : null };
        if (run.ResumeFallback is { } why)
        {
            outcome = outcome with { Summary = $"{outcome.Summary}\n\n(The agent started afresh: its earlier session could not be resumed: {why}.)".TrimStart() };
        }

        if (run.Outcome != AgentOutcome.Succeeded || followUps?.Replier is not { } replier || gitHub is { HasToken: false }
            || followUp.PullRequest is not { Number: > 0 } || PullRequestRepository(repository) is not { } gitHubRepository)
        {
            return outcome;
        }

        using var replying = CancellationTokenSource.CreateLinkedTokenSource(token, cancellationToken);
        try
        {
            heartbeat.Phase = WorkerPhase.OpeningPullRequest;
            var posted = await replier.ReplyAsync(gitHubRepository, followUp, spec.JobId, run.Summary, pushedCommit, replying.Token);
            progress.Log($"answered on pull request #{followUp.PullRequest.Number}: {posted.ThreadReplies} thread replies{(posted.PullRequestComment ? " and a comment on the pull request" : "")}");
            return outcome;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return outcome with { Status = ResultStatus.Cancelled, ExitCode = WorkerExitCodes.Cancelled, ErrorCode = "cancelled", ErrorMessage = "cancelled while answering on the pull request; the work is pushed" };
        }
        catch (Exception ex)
        {
            return outcome with { Status = ResultStatus.Failed, ExitCode = WorkerExitCodes.GitHubFailed, ErrorCode = "github", ErrorMessage = $"the work is pushed but the answers on the pull request failed: {ex.Message}" };
        }
    }

    /// <summary>Every run that started a Codex thread leaves its session with the conductor, for a later follow-up to resume.</summary>
    private async Task HandOverSessionAsync(AgentRunResult run)
    {
        if (followUps?.Sessions is { } packer)
        {
            await new SessionHandoff(conductor, packer, time, logger).HandOverAsync(run, Path.Combine(StateFolder, "session.tar.gz"), progress.Log);
        }
    }
}
