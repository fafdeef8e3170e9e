using System.Net;
using Octokit;

namespace AgentConductor.Worker.GitHub;

/// <summary>422: GitHub refused the request's content; <see cref="Errors"/> says why.</summary>
internal sealed class GitHubValidationException(string message, string? gitHubMessage, IReadOnlyList<ApiErrorDetail> errors)
    : GitHubApiException(message, HttpStatusCode.UnprocessableEntity, gitHubMessage)
{
    public IReadOnlyList<ApiErrorDetail> Errors { get; } = errors;

    /// <summary>The answer to creating a pull request whose head already has an open one.</summary>
    public bool IsPullRequestAlreadyExists =>
        Errors.Any(e => e.Message?.Contains("pull request already exists", StringComparison.OrdinalIgnoreCase) == true)
        || GitHubMessage?.Contains("pull request already exists", StringComparison.OrdinalIgnoreCase) == true;
}
