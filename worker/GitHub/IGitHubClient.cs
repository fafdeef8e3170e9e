using Octokit;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// The few GitHub calls the worker makes, in Octokit's models. Each honours its token (an in-flight request and a retry
/// wait both stop); failures surface as <see cref="GitHubApiException"/> and its subtypes, never as Octokit's.
/// </summary>
internal interface IGitHubClient
{
    /// <summary>The open pull request whose head is <paramref name="headOwner"/>:<paramref name="branch"/>, or null.</summary>
    Task<PullRequest?> FindOpenPullRequestAsync(
        string owner, string repo, string headOwner, string branch, CancellationToken cancellationToken);

    Task<PullRequest> CreatePullRequestAsync(
        string owner, string repo, NewPullRequest pullRequest, CancellationToken cancellationToken);

    /// <summary>Changes the fields <paramref name="update"/> sets; the others stay as they are.</summary>
    Task<PullRequest> UpdatePullRequestAsync(
        string owner, string repo, int number, PullRequestUpdate update, CancellationToken cancellationToken);

    /// <summary>Replies in the thread of the review comment <paramref name="commentId"/> (a comment on a line) of pull request <paramref name="number"/>.</summary>
    Task<PullRequestReviewComment> ReplyToReviewCommentAsync(
        string owner, string repo, int number, long commentId, string body, CancellationToken cancellationToken);

    /// <summary>Comments on the conversation of pull request <paramref name="number"/> (GitHub's issue comment).</summary>
    Task<IssueComment> CommentOnPullRequestAsync(string owner, string repo, int number, string body, CancellationToken cancellationToken);
}
