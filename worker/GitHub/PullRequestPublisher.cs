using Microsoft.Extensions.Logging;
using Octokit;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// Opens the job's pull request, or reuses the open one for the same head branch and refreshes its body, so a rerun never
/// opens a second. A create that loses a race ("A pull request already exists") looks the winner up and reuses it.
/// </summary>
internal sealed partial class PullRequestPublisher(IGitHubClient gitHub, ILogger<PullRequestPublisher> logger)
{
    public async Task<PublishedPullRequest> PublishAsync(PullRequestPublication publication, CancellationToken cancellationToken)
    {
        var repository = publication.Repository;
        var existing = await FindAsync(publication, cancellationToken);
        if (existing is not null)
        {
            return await ReuseAsync(publication, existing, cancellationToken);
        }

        try
        {
            var created = await gitHub.CreatePullRequestAsync(
                repository.Owner,
                repository.Name,
                new NewPullRequest(publication.Title, publication.HeadBranch, publication.BaseBranch)
                {
                    Body = publication.Body,
                    Draft = publication.Draft,
                },
                cancellationToken);
            Log.Created(logger, created.Number, repository, publication.HeadBranch);
            return new PublishedPullRequest(new Uri(created.HtmlUrl), created.Number, Reused: false);
        }
        catch (GitHubValidationException ex) when (ex.IsPullRequestAlreadyExists)
        {
            Log.CreateRaced(logger, repository, publication.HeadBranch);
            var winner = await FindAsync(publication, cancellationToken)
                ?? throw new GitHubApiException(
                    $"GitHub said a pull request already exists for {repository.Owner}:{publication.HeadBranch}, but none is open.",
                    ex.StatusCode,
                    ex.GitHubMessage,
                    ex);
            return await ReuseAsync(publication, winner, cancellationToken);
        }
    }

    private Task<PullRequest?> FindAsync(PullRequestPublication publication, CancellationToken cancellationToken) =>
        gitHub.FindOpenPullRequestAsync(
            publication.Repository.Owner, publication.Repository.Name, publication.Repository.Owner, publication.HeadBranch, cancellationToken);

    private async Task<PublishedPullRequest> ReuseAsync(
        PullRequestPublication publication, PullRequest existing, CancellationToken cancellationToken)
    {
        // The title stays as it is: a reviewer may have edited it. The body is ours and describes the latest run.
        var updated = await gitHub.UpdatePullRequestAsync(
            publication.Repository.Owner, publication.Repository.Name, existing.Number, new PullRequestUpdate { Body = publication.Body }, cancellationToken);
        Log.Reused(logger, updated.Number, publication.Repository, publication.HeadBranch);
        var url = string.IsNullOrEmpty(updated.HtmlUrl) ? existing.HtmlUrl : updated.HtmlUrl;
        return new PublishedPullRequest(new Uri(url), updated.Number, Reused: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 10, EventName = "PullRequestCreated", Level = LogLevel.Information,
            Message = "Opened pull request #{Number} in {Repository} from {Branch}")]
        public static partial void Created(ILogger logger, int number, GitHubRepository repository, string branch);

        [LoggerMessage(EventId = 11, EventName = "PullRequestReused", Level = LogLevel.Information,
            Message = "Reused open pull request #{Number} in {Repository} from {Branch} and refreshed its body")]
        public static partial void Reused(ILogger logger, int number, GitHubRepository repository, string branch);

        [LoggerMessage(EventId = 12, EventName = "PullRequestCreateRaced", Level = LogLevel.Warning,
            Message = "A pull request for {Repository} from {Branch} appeared while creating one; reusing it")]
        public static partial void CreateRaced(ILogger logger, GitHubRepository repository, string branch);
    }
}
