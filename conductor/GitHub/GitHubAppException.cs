using System.Net;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// A token could not be minted. <see cref="Retryable"/>: GitHub was unreachable, answered 5xx or asked to slow down, and
/// the same request may work later; otherwise the App, its key or its installation must change first. The message says
/// what to fix and never carries a secret.
/// </summary>
internal sealed class GitHubAppException(string message, bool retryable, HttpStatusCode? statusCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public bool Retryable { get; } = retryable;

    public HttpStatusCode? StatusCode { get; } = statusCode;
}
