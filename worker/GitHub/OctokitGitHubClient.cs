using AgentConductor.Worker.Secrets;
using Microsoft.Extensions.Logging;
using Octokit;
using Octokit.Internal;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// <see cref="IGitHubClient"/> on Octokit, built on a <see cref="Connection"/> with the configured API base as given
/// (<c>https://api.github.com/</c> or an enterprise <c>https://host/api/v3/</c>) and <see cref="GitHubHttpHandler"/>
/// under its <see cref="HttpClientAdapter"/>. Each method runs as one <see cref="GitHubCall"/>, so the handler sees the
/// worker's token; Octokit's exceptions leave as the worker's typed ones.
/// </summary>
internal sealed class OctokitGitHubClient : IGitHubClient, IDisposable
{
    private readonly HttpClientAdapter _adapter;
    private readonly Octokit.GitHubClient _octokit;
    private readonly GitHubErrorMapper _errors;

    /// <param name="transport">What sends the requests; Octokit's default handler when null.</param>
    public OctokitGitHubClient(
        GitHubOptions options, TimeProvider timeProvider, ISecretMasker masker, ILogger<GitHubHttpHandler> logger, HttpMessageHandler? transport = null)
        : this(Check(options, tokenRequired: true), StoreFor(options, masker), timeProvider, masker, logger, transport)
    {
    }

    /// <param name="credentials">Asked for the token before every request (the worker's <see cref="GitHubCredential"/>).</param>
    public OctokitGitHubClient(
        GitHubOptions options, ICredentialStore credentials, TimeProvider timeProvider, ISecretMasker masker, ILogger<GitHubHttpHandler> logger,
        HttpMessageHandler? transport = null)
    {
        Check(options, tokenRequired: false);
        var apiBase = ApiBase(options.ApiBaseUrl);
        var handler = new GitHubHttpHandler(options, apiBase, timeProvider, logger) { InnerHandler = transport ?? HttpMessageHandlerFactory.CreateDefault() };
        _adapter = new HttpClientAdapter(() => handler);
        _adapter.SetRequestTimeout(Timeout.InfiniteTimeSpan); // the handler times each attempt instead, on the injected clock
        _octokit = new Octokit.GitHubClient(new Connection(new ProductHeaderValue(options.UserAgent), apiBase, credentials, _adapter, new SimpleJsonSerializer()));
        _errors = new GitHubErrorMapper(masker);
    }

    public Task<PullRequest?> FindOpenPullRequestAsync(
        string owner, string repo, string headOwner, string branch, CancellationToken cancellationToken) =>
        CallAsync(
            async octokit =>
            {
                var open = await octokit.PullRequest.GetAllForRepository(
                    owner, repo, new PullRequestRequest { State = ItemStateFilter.Open, Head = $"{headOwner}:{branch}" });

                // GitHub filters by head already; checking again guards against a server that ignores the filter.
                return open.FirstOrDefault(p => p.Head is null || string.Equals(p.Head.Ref, branch, StringComparison.Ordinal));
            },
            cancellationToken);

    public Task<PullRequest> CreatePullRequestAsync(
        string owner, string repo, NewPullRequest pullRequest, CancellationToken cancellationToken) =>
        CallAsync(octokit => octokit.PullRequest.Create(owner, repo, pullRequest), cancellationToken);

    public Task<PullRequest> UpdatePullRequestAsync(
        string owner, string repo, int number, PullRequestUpdate update, CancellationToken cancellationToken) =>
        CallAsync(octokit => octokit.PullRequest.Update(owner, repo, number, update), cancellationToken);

    public Task<PullRequestReviewComment> ReplyToReviewCommentAsync(
        string owner, string repo, int number, long commentId, string body, CancellationToken cancellationToken) =>
        CallAsync(
            octokit => octokit.PullRequest.ReviewComment.CreateReply(owner, repo, number, new PullRequestReviewCommentReplyCreate(body, commentId)),
            new StoredCopy($"repos/{owner}/{repo}/pulls/{number}/comments", body),
            cancellationToken);

    public Task<IssueComment> CommentOnPullRequestAsync(string owner, string repo, int number, string body, CancellationToken cancellationToken) =>
        CallAsync(octokit => octokit.Issue.Comment.Create(owner, repo, number, body), new StoredCopy($"repos/{owner}/{repo}/issues/{number}/comments", body), cancellationToken);

    public void Dispose() => _adapter.Dispose();

    private Task<T> CallAsync<T>(Func<Octokit.IGitHubClient, Task<T>> send, CancellationToken cancellationToken) => CallAsync(send, null, cancellationToken);

    private async Task<T> CallAsync<T>(Func<Octokit.IGitHubClient, Task<T>> send, StoredCopy? storedCopy, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var call = GitHubCall.Begin(storedCopy, cancellationToken);
        try
        {
            return await send(_octokit);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested && ex.CancellationToken != cancellationToken)
        {
            // Octokit's HttpClient reports any cancellation it did not ask for as its own timeout; it was ours.
            throw new OperationCanceledException($"GitHub {call.Operation ?? "call"} was cancelled.", ex, cancellationToken);
        }
        catch (ApiException ex)
        {
            throw _errors.FromAnswer(ex, call);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            throw _errors.FromTransport(ex, call);
        }
    }

    private static GitHubOptions Check(GitHubOptions options, bool tokenRequired)
    {
        var problems = options.Validate().ToList();
        if (tokenRequired && string.IsNullOrEmpty(options.Token))
        {
            problems.Add("The GitHub token is not set.");
        }

        return problems.Count == 0 ? options : throw new ArgumentException("Invalid GitHub settings: " + string.Join(" ", problems), nameof(options));
    }

    /// <summary>A fixed token: <see cref="GitHubOptions.Token"/>, registered with the masker first.</summary>
    private static InMemoryCredentialStore StoreFor(GitHubOptions options, ISecretMasker masker)
    {
        masker.AddValue(options.Token);
        return new InMemoryCredentialStore(new Credentials(options.Token, AuthenticationType.Bearer));
    }

    /// <summary>
    /// The API root with a trailing slash: Octokit resolves relative paths against it, and without the slash
    /// <c>/api/v3</c> would lose its <c>v3</c>.
    /// </summary>
    private static Uri ApiBase(Uri apiBaseUrl)
    {
        var text = apiBaseUrl.GetLeftPart(UriPartial.Path);
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}
