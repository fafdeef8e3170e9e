using System.Net;

namespace AgentConductor.Worker.GitHub;

/// <summary>401 (bad or expired token), or a 403 that is not a rate limit (the token lacks a permission).</summary>
internal sealed class GitHubAuthorizationException(string message, HttpStatusCode statusCode, string? gitHubMessage)
    : GitHubApiException(message, statusCode, gitHubMessage);
