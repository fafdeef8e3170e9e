using System.Net;

namespace AgentConductor.Worker.GitHub;

/// <summary>404: the repository or pull request does not exist, or the token cannot see it.</summary>
internal sealed class GitHubNotFoundException(string message, string? gitHubMessage)
    : GitHubApiException(message, HttpStatusCode.NotFound, gitHubMessage);
