using Microsoft.Extensions.Logging;

namespace AgentConductor.Worker.GitHub;

/// <summary>The worker's GitHub REST client: pull requests, comments and labels over <see cref="GitHubConnection"/>.</summary>
internal sealed class GitHubClient : IGitHubClient
{
    private readonly GitHubConnection _connection;

    public GitHubClient(HttpClient httpClient, GitHubOptions options, TimeProvider timeProvider, ILogger<GitHubClient> logger)
        : this(new GitHubConnection(httpClient, options, timeProvider, logger))
    {
    }

    internal GitHubClient(GitHubConnection connection) => _connection = connection;

    public async Task<PullRequest?> FindOpenPullRequestAsync(
        string owner, string repo, string headOwner, string branch, CancellationToken cancellationToken)
    {
        var head = Uri.EscapeDataString($"{headOwner}:{branch}");
        var pulls = await _connection.SendAsync<object, List<PullRequest>>(
            HttpMethod.Get, $"{Repo(owner, repo)}/pulls?state=open&head={head}", null, null,
            GitHubJsonContext.Default.ListPullRequest, cancellationToken);

        // GitHub filters by head already; checking again guards against a server that ignores the filter.
        return pulls.FirstOrDefault(p => p.Head is null || string.Equals(p.Head.Ref, branch, StringComparison.Ordinal));
    }

    public Task<PullRequest> CreatePullRequestAsync(
        string owner, string repo, NewPullRequest pullRequest, CancellationToken cancellationToken) =>
        _connection.SendAsync(
            HttpMethod.Post, $"{Repo(owner, repo)}/pulls", pullRequest, GitHubJsonContext.Default.NewPullRequest,
            GitHubJsonContext.Default.PullRequest, cancellationToken);

    public Task<PullRequest> UpdatePullRequestAsync(
        string owner, string repo, int number, string? title, string? body, CancellationToken cancellationToken) =>
        _connection.SendAsync(
            HttpMethod.Patch, $"{Repo(owner, repo)}/pulls/{number}", new PullRequestUpdate(title, body),
            GitHubJsonContext.Default.PullRequestUpdate, GitHubJsonContext.Default.PullRequest, cancellationToken);

    public Task<IssueComment> AddCommentAsync(
        string owner, string repo, int issueNumber, string body, CancellationToken cancellationToken) =>
        _connection.SendAsync(
            HttpMethod.Post, $"{Repo(owner, repo)}/issues/{issueNumber}/comments", new NewIssueComment(body),
            GitHubJsonContext.Default.NewIssueComment, GitHubJsonContext.Default.IssueComment, cancellationToken);

    public async Task AddLabelsAsync(
        string owner, string repo, int issueNumber, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        if (labels.Count == 0)
        {
            return;
        }

        await _connection.SendAsync(
            HttpMethod.Post, $"{Repo(owner, repo)}/issues/{issueNumber}/labels", new IssueLabels(labels),
            GitHubJsonContext.Default.IssueLabels, GitHubJsonContext.Default.ListIssueLabel, cancellationToken);
    }

    private static string Repo(string owner, string repo) => $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}";
}
