using AgentConductor.Proto.V1;
using AgentConductor.Worker.GitHub;
using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.FollowUps;

/// <summary>
/// Answers a follow-up's comments on its pull request once the agent's work is pushed: a comment on a line of the diff
/// gets a reply in its thread; everything else (reviews, conversation comments, failed checks, and a line comment whose
/// thread refuses a reply because it was deleted) is answered in one comment on the pull request that names each item.
/// The answers are the agent's own, item by item from its summary (<see cref="SummaryAnswers"/>); a summary that numbers
/// none is posted whole, once. Every text is masked before it leaves.
/// </summary>
internal sealed partial class FollowUpReplier(IGitHubClient gitHub, ISecretMasker masker, ILogger<FollowUpReplier> logger)
{
    private const string Unanswered = "The agent's summary does not answer this item by its number; its changes for the follow-up are in the commit below.";

    /// <param name="pushedCommit">The commit the branch now points at; null when the agent changed nothing.</param>
    /// <exception cref="GitHubApiException">The comment on the pull request could not be posted.</exception>
    public async Task<FollowUpRepliesPosted> ReplyAsync(
        GitHubRepository repository, FollowUp followUp, string jobId, string? summary, string? pushedCommit, CancellationToken cancellationToken)
    {
        var number = followUp.PullRequest.Number;
        var footer = ReplyText.Footer(pushedCommit, followUp.Sequence, jobId);
        var items = followUp.Comments.OrderBy(c => c.Number).ToList();
        var answers = SummaryAnswers.Parse(summary);
        if (answers.Count == 0)
        {
            return await ReplyWholeAsync(repository, number, items, summary ?? "(the agent left no summary)", footer, cancellationToken);
        }

        var threads = 0;
        var conversation = new List<(ReviewComment Item, string Answer)>();
        foreach (var item in items)
        {
            var answer = answers.GetValueOrDefault(item.Number, Unanswered);
            if (item.Kind == ReviewCommentKind.ReviewComment && item.Id > 0
                && await TryReplyInThreadAsync(repository, number, item, ReplyText.ForThread(answer, footer), cancellationToken))
            {
                threads++;
                continue;
            }

            conversation.Add((item, answer));
        }

        if (conversation.Count > 0)
        {
            await gitHub.CommentOnPullRequestAsync(repository.Owner, repository.Name, number, masker.Mask(ReplyText.ForConversation(conversation, footer)), cancellationToken);
        }

        Log.Replied(logger, number, repository, threads, conversation.Count);
        return new FollowUpRepliesPosted(threads, conversation.Count > 0);
    }

    private async Task<FollowUpRepliesPosted> ReplyWholeAsync(
        GitHubRepository repository, int number, List<ReviewComment> items, string summary, string footer, CancellationToken cancellationToken)
    {
        var comment = await gitHub.CommentOnPullRequestAsync(repository.Owner, repository.Name, number, masker.Mask(ReplyText.Whole(items, summary, footer)), cancellationToken);
        var threads = 0;
        if (Uri.TryCreate(comment.HtmlUrl, UriKind.Absolute, out var url))
        {
            foreach (var item in items.Where(i => i.Kind == ReviewCommentKind.ReviewComment && i.Id > 0))
            {
                threads += await TryReplyInThreadAsync(repository, number, item, ReplyText.PointingTo(url, footer), cancellationToken) ? 1 : 0;
            }
        }

        Log.Replied(logger, number, repository, threads, items.Count);
        return new FollowUpRepliesPosted(threads, true);
    }

    /// <summary>False when GitHub refuses a reply in the thread (the comment is gone or cannot be answered): the item is answered on the pull request instead.</summary>
    private async Task<bool> TryReplyInThreadAsync(GitHubRepository repository, int number, ReviewComment item, string body, CancellationToken cancellationToken)
    {
        try
        {
            await gitHub.ReplyToReviewCommentAsync(repository.Owner, repository.Name, number, item.Id, masker.Mask(body), cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is GitHubNotFoundException or GitHubValidationException)
        {
            Log.ThreadRefused(logger, item.Id, number, ex.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1600, EventName = "FollowUpReplied", Level = LogLevel.Information, Message = "Answered pull request #{Number} in {Repository}: {Threads} thread replies, {Conversation} items in a comment on the pull request")]
        public static partial void Replied(ILogger logger, int number, GitHubRepository repository, int threads, int conversation);

        [LoggerMessage(EventId = 1601, EventName = "FollowUpThreadReplyRefused", Level = LogLevel.Warning, Message = "GitHub refused a reply to review comment {CommentId} of pull request #{Number} ({Reason}); answering it on the pull request instead")]
        public static partial void ThreadRefused(ILogger logger, long commentId, int number, string reason);
    }
}
