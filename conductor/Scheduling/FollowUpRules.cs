using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Jobs;
using AgentConductor.Conductor.Storage;
using AgentConductor.Conductor.TaskFiles;

namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// Turns authentic GitHub deliveries about the conductor's own pull requests into follow-up jobs. A trigger is a review
/// that requests changes; a review, review comment or pull request comment that mentions the handle; or (when enabled)
/// a failed check suite on the agent's branch; from an owner, member or collaborator, never a bot. A trigger within the
/// coalescing window of the previous one joins the pending follow-up of that pull request; otherwise it creates the next
/// one, up to <see cref="FollowUpOptions.MaxPerPullRequest"/>. Everything else is stored with the reason it was ignored.
/// Decisions depend only on the deliveries, their receive times and what jobs reported, so replays give the same ones.
/// </summary>
internal sealed class FollowUpRules(FollowUpOptions options, Statements db, JobWriter jobs)
{
    private const string AgentBranchPrefix = "agent/";

    public string Apply(GitHubDelivery delivery, long eventId, InboundMessage message, List<Decision> decisions)
    {
        if (db.QueryLong("SELECT event_id FROM github_deliveries WHERE delivery_id = CAST(@id AS TEXT)", ("@id", delivery.DeliveryId)) is { } earlier)
        {
            return $"GitHub delivery {delivery.DeliveryId} is already stored (event {earlier}): ignored";
        }

        var verdict = Decide(delivery, eventId, message, decisions);
        db.Execute(
            """
            INSERT INTO github_deliveries (event_id, delivery_id, event, action, repository, pull_request, sender, outcome, reason, detail, job_id)
            VALUES (@event, CAST(@delivery AS TEXT), CAST(@name AS TEXT), CAST(@action AS TEXT), CAST(@repository AS TEXT), @number,
                    CAST(@sender AS TEXT), @outcome, @reason, CAST(@detail AS TEXT), @job)
            """,
            ("@event", eventId), ("@delivery", delivery.DeliveryId), ("@name", delivery.Event), ("@action", delivery.Action),
            ("@repository", delivery.Repository), ("@number", delivery.PullRequest?.Number), ("@sender", delivery.Sender?.Login),
            ("@outcome", verdict.Outcome), ("@reason", verdict.Reason), ("@detail", verdict.Detail), ("@job", verdict.JobId));
        return $"GitHub {delivery.Describe()}: {verdict.Outcome} ({verdict.Reason}): {verdict.Detail}";
    }

    private Verdict Decide(GitHubDelivery delivery, long eventId, InboundMessage message, List<Decision> decisions)
    {
        if (Screen(delivery) is { } screened)
        {
            return screened;
        }

        var comment = delivery.Comment!;
        var pullRequest = delivery.PullRequest!;
        var found = Find(delivery, pullRequest);
        if (found.PullRequest is not { } ours)
        {
            return found.Ignored!;
        }

        if (pullRequest.IsClosed)
        {
            return Verdict.Ignore(FollowUpReasons.PullRequestClosed, $"pull request {PullRequestUrls.Describe(ours.Url)} is closed");
        }

        string reason;
        switch (comment.Kind)
        {
            case GitHubEvents.ReviewKind when string.Equals(comment.State, "changes_requested", StringComparison.OrdinalIgnoreCase):
                reason = FollowUpReasons.ChangesRequested;
                break;
            case GitHubEvents.CheckSuiteKind:
                reason = FollowUpReasons.CheckFailed;
                break;
            case var _ when Mentions.Contains(comment.Body, options.Handle):
                reason = FollowUpReasons.Mention;
                break;
            case GitHubEvents.ReviewCommentKind when comment.ReviewId is { } review:
                if (!ReviewTriggered(ours.JobId, review))
                {
                    InsertComment(eventId, ours.JobId, null, comment);
                    return new Verdict(FollowUpOutcomes.Held, FollowUpReasons.AwaitingReview, $"kept until its review {review} requests changes or mentions {options.Handle}", null);
                }

                reason = FollowUpReasons.PartOfReview;
                break;
            default:
                return Verdict.Ignore(FollowUpReasons.NoTrigger, comment.Kind == GitHubEvents.ReviewKind
                    ? $"a review ({UntrustedText.Inline(comment.State, 40)}) that neither requests changes nor mentions {options.Handle}"
                    : $"a comment that does not mention {options.Handle}");
        }

        return Place(delivery, ours, reason, eventId, message, decisions);
    }

    /// <summary>What the payload alone decides: events, actions and senders that never trigger.</summary>
    private Verdict? Screen(GitHubDelivery delivery)
    {
        if (delivery.Event == GitHubEvents.Ping)
        {
            return Verdict.Ignore(FollowUpReasons.Ping, "GitHub's ping: the webhook reaches the conductor");
        }

        if (!GitHubEvents.Subscribed.Contains(delivery.Event))
        {
            return Verdict.Ignore(FollowUpReasons.UnsupportedEvent, $"{UntrustedText.Inline(delivery.Event, 60)} events do not trigger follow-ups");
        }

        if (delivery.Comment is not { } comment)
        {
            return Verdict.Ignore(FollowUpReasons.UnsupportedAction, $"{delivery.Event} with action '{UntrustedText.Inline(delivery.Action, 40)}' does not trigger follow-ups");
        }

        if (delivery.PullRequest is null)
        {
            return Verdict.Ignore(FollowUpReasons.NotAPullRequest, "a comment on an issue, not on a pull request");
        }

        if (comment.Kind == GitHubEvents.CheckSuiteKind)
        {
            return !options.OnFailedChecks
                ? Verdict.Ignore(FollowUpReasons.ChecksOff, "FollowUps:OnFailedChecks is off")
                : !GitHubEvents.IsFailedConclusion(comment.State)
                    ? Verdict.Ignore(FollowUpReasons.CheckNotFailed, $"the check suite concluded '{UntrustedText.Inline(comment.State, 40)}'")
                    : null;
        }

        // The agent's own replies come from a bot (a GitHub App) or from a login listed in FollowUps:IgnoredLogins.
        var author = comment.Author ?? delivery.Sender;
        if (comment.Author?.IsBot == true || delivery.Sender?.IsBot == true)
        {
            return Verdict.Ignore(FollowUpReasons.Bot, $"sent by the bot {UntrustedText.Inline((comment.Author?.IsBot == true ? comment.Author : delivery.Sender)!.Login, 60)}: bots never trigger");
        }

        if (new[] { comment.Author?.Login, delivery.Sender?.Login }.FirstOrDefault(login => login is not null && options.IgnoredLogins.Contains(login, StringComparer.OrdinalIgnoreCase)) is { } ignored)
        {
            return Verdict.Ignore(FollowUpReasons.IgnoredLogin, $"{UntrustedText.Inline(ignored, 60)} is in FollowUps:IgnoredLogins");
        }

        return GitHubEvents.MayTrigger(comment.AuthorAssociation)
            ? null
            : Verdict.Ignore(FollowUpReasons.Stranger, $"{UntrustedText.Inline(author?.Login ?? "the author", 60)} is {UntrustedText.Inline(comment.AuthorAssociation ?? "of unknown association", 40)}, not an owner, member or collaborator");
    }

    /// <summary>The job that opened the pull request, or why the pull request is not the conductor's.</summary>
    private Found Find(GitHubDelivery delivery, GitHubPullRequest pullRequest)
    {
        if (pullRequest.HeadRef is { } head && !head.StartsWith(AgentBranchPrefix, StringComparison.Ordinal))
        {
            return Found.Not($"its branch '{UntrustedText.Inline(head, 100)}' is not an agent branch ({AgentBranchPrefix}<job-id>/...)");
        }

        var ours = pullRequest.HtmlUrl is { } url ? AgentPullRequest.ByUrl(db, url)
            : pullRequest.HeadRef is { } branch ? AgentPullRequest.ByBranch(db, branch)
            : null;
        var named = pullRequest.HtmlUrl ?? pullRequest.HeadRef ?? "(none named)";
        if (ours is null)
        {
            return Found.Not($"no job of this conductor reported pull request {UntrustedText.Inline(named, 200)}");
        }

        if (pullRequest.HeadRef is { } headRef && ours.Branch is { } pushed && !string.Equals(headRef, pushed, StringComparison.Ordinal))
        {
            return Found.Not($"its branch '{UntrustedText.Inline(headRef, 100)}' is not '{pushed}', which job {ours.JobId} pushed");
        }

        if (delivery.Repository is { } repository && PullRequestUrls.Parse(ours.Url) is { } reported
            && !string.Equals(reported.Repository, repository, StringComparison.OrdinalIgnoreCase))
        {
            return Found.Not($"job {ours.JobId} opened its pull request in {reported.Repository}, not {UntrustedText.Inline(repository, 100)}");
        }

        return ours.Branch is null
            ? Found.Not($"job {ours.JobId} reported no branch for {PullRequestUrls.Describe(ours.Url)}")
            : new Found(ours, null);
    }

    private bool ReviewTriggered(string parentJobId, long reviewId) =>
        db.QueryLong(
            "SELECT 1 FROM followup_comments WHERE parent_job_id = @parent AND review_id = @review AND kind = 'review' AND job_id IS NOT NULL LIMIT 1",
            ("@parent", parentJobId), ("@review", reviewId)) is not null;

    /// <summary>Joins the pending follow-up while its window is open, else creates the next one (up to the limit).</summary>
    private Verdict Place(GitHubDelivery delivery, AgentPullRequest ours, string reason, long eventId, InboundMessage message, List<Decision> decisions)
    {
        var comment = delivery.Comment!;
        var receivedMs = UnixTime.ToMs(message.ReceivedAt);
        var until = receivedMs + (long)options.CoalesceWindow.TotalMilliseconds;
        var describe = PullRequestUrls.Describe(ours.Url);
        var latest = Latest(ours.JobId);
        if (latest is { State: JobState.Pending, CoalesceUntil: { } open } && receivedMs <= open)
        {
            db.Execute("UPDATE jobs SET coalesce_until = max(coalesce_until, @until) WHERE id = @id", ("@until", until), ("@id", latest.JobId));
            Attach(eventId, ours.JobId, latest.JobId, comment);
            return new Verdict(FollowUpOutcomes.Trigger, reason, $"joined follow-up {latest.Sequence} ({latest.JobId}) of {describe}", latest.JobId);
        }

        var count = latest?.Sequence ?? 0;
        if (count >= options.MaxPerPullRequest)
        {
            return Verdict.Ignore(FollowUpReasons.LimitReached, $"{describe} has had {count} follow-ups, the most FollowUps:MaxPerPullRequest allows");
        }

        var seed = new FollowUpSeed(
            ours.JobId, count + 1, ours.Url, delivery.PullRequest?.Number ?? PullRequestUrls.Parse(ours.Url)?.Number, ours.Branch!, ours.CloneUrl,
            ours.BaseBranch ?? delivery.PullRequest?.BaseRef, UnixTime.FromMs(until));
        var jobId = jobs.CreatePending(JobSeed.ForFollowUp(seed, ours.Account, ours.ProjectKey, reason), eventId, message.ReceivedAt);
        Attach(eventId, ours.JobId, jobId, comment);
        decisions.Add(new Decision(DecisionKind.FollowUp, message.ReceivedAt, message.MessageId, jobId, ours.TicketKey, ours.Account, null)
        {
            ParentJobId = ours.JobId,
            PullRequestUrl = ours.Url,
        });
        return new Verdict(FollowUpOutcomes.Trigger, reason, $"follow-up {seed.Sequence} ({jobId}) created for {describe}", jobId);
    }

    private LatestFollowUp? Latest(string parentJobId)
    {
        using var reader = db.Query(
            "SELECT id, state, followup_seq, coalesce_until FROM jobs WHERE parent_job_id = @parent ORDER BY followup_seq DESC LIMIT 1",
            ("@parent", parentJobId));
        return reader.Read()
            ? new LatestFollowUp(reader.GetString(0), JobStates.Parse(reader.GetString(1)), reader.GetInt32(2), reader.GetInt64OrNull(3))
            : null;
    }

    /// <summary>Stores the comment with its follow-up; a review brings along its comments that were held for it.</summary>
    private void Attach(long eventId, string parentJobId, string jobId, GitHubComment comment)
    {
        InsertComment(eventId, parentJobId, jobId, comment);
        if (comment.Kind != GitHubEvents.ReviewKind)
        {
            return;
        }

        const string Held = "SELECT event_id FROM followup_comments WHERE parent_job_id = @parent AND review_id = @review AND job_id IS NULL";
        db.Execute($"UPDATE github_deliveries SET job_id = @job WHERE event_id IN ({Held})", ("@job", jobId), ("@parent", parentJobId), ("@review", comment.Id));
        db.Execute(
            "UPDATE followup_comments SET job_id = @job WHERE parent_job_id = @parent AND review_id = @review AND job_id IS NULL",
            ("@job", jobId), ("@parent", parentJobId), ("@review", comment.Id));
    }

    private void InsertComment(long eventId, string parentJobId, string? jobId, GitHubComment c) =>
        db.Execute(
            """
            INSERT INTO followup_comments (event_id, parent_job_id, job_id, kind, github_id, review_id, author, author_association, state, body,
                                           path, line, start_line, diff_hunk, commit_id, url, created_at)
            VALUES (@event, @parent, @job, @kind, @id, @review, CAST(@author AS TEXT), CAST(@association AS TEXT), CAST(@state AS TEXT),
                    CAST(@body AS TEXT), CAST(@path AS TEXT), @line, @start, CAST(@hunk AS TEXT), CAST(@commit AS TEXT), CAST(@url AS TEXT), @at)
            """,
            ("@event", eventId), ("@parent", parentJobId), ("@job", jobId), ("@kind", c.Kind), ("@id", c.Id), ("@review", c.ReviewId),
            ("@author", c.Author?.Login), ("@association", c.AuthorAssociation), ("@state", c.State), ("@body", c.Body), ("@path", c.Path),
            ("@line", c.Line), ("@start", c.StartLine), ("@hunk", c.DiffHunk), ("@commit", c.CommitId), ("@url", c.Url),
            ("@at", c.CreatedAt is { } at ? UnixTime.ToMs(at) : null));

    private sealed record Verdict(string Outcome, string Reason, string Detail, string? JobId)
    {
        public static Verdict Ignore(string reason, string detail) => new(FollowUpOutcomes.Ignored, reason, detail, null);
    }

    private sealed record Found(AgentPullRequest? PullRequest, Verdict? Ignored)
    {
        public static Found Not(string why) => new(null, Verdict.Ignore(FollowUpReasons.NotOurs, why));
    }

    private sealed record LatestFollowUp(string JobId, JobState State, int Sequence, long? CoalesceUntil);
}
