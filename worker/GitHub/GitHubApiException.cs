using System.Net;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// A GitHub call that failed. Subtypes name the cases a caller handles differently; this type covers the rest
/// (other statuses, and transport errors that outlived the retries, where <see cref="StatusCode"/> is null).
/// Messages carry the method, path, status and GitHub's own message, never the token.
/// </summary>
internal class GitHubApiException : Exception
{
    public GitHubApiException(string message, HttpStatusCode? statusCode, string? gitHubMessage, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        GitHubMessage = gitHubMessage;
    }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>message</c> field of GitHub's error document, if there was one.</summary>
    public string? GitHubMessage { get; }
}
