namespace AgentConductor.Worker.GitHub;

/// <summary>The few GitHub REST calls the worker makes. Failures surface as <see cref="GitHubApiException"/> and its subtypes.</summary>
internal interface IGitHubClient
{
    /// <summary>The open pull request whose head is <paramref name="headOwner"/>:<paramref name="branch"/>, or null.</summary>
    Task<PullRequest?> FindOpenPullRequestAsync(
        string owner, string repo, string headOwner, string branch, CancellationToken cancellationToken);

    Task<PullRequest> CreatePullRequestAsync(
        string owner, string repo, NewPullRequest pullRequest, CancellationToken cancellationToken);

    /// <summary>Changes the title and/or body; a null argument leaves that field as it is.</summary>
    Task<PullRequest> UpdatePullRequestAsync(
        string owner, string repo, int number, string? title, string? body, CancellationToken cancellationToken);

    Task<IssueComment> AddCommentAsync(
        string owner, string repo, int issueNumber, string body, CancellationToken cancellationToken);

    Task AddLabelsAsync(
        string owner, string repo, int issueNumber, IReadOnlyList<string> labels, CancellationToken cancellationToken);
}
