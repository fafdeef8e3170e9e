using System.Net;

namespace AgentConductor.Conductor.Aws;

/// <summary>
/// An error AWS answered with: <see cref="Code"/> is the short error code (<c>ThrottlingException</c>,
/// <c>AWS.SimpleQueueService.NonExistentQueue</c>, <c>ClientException</c> ...), <see cref="AwsMessage"/> AWS's own words.
/// The subclasses say what a caller can do about it.
/// </summary>
internal class AwsException(string operation, string code, string message, HttpStatusCode status, string? requestId, Exception? innerException = null)
    : Exception($"{operation} failed: {code}: {message} (HTTP {(int)status}{(requestId is null ? "" : $", request {requestId}")})", innerException)
{
    public string Operation => operation;

    public string Code => code;

    public string AwsMessage => message;

    public HttpStatusCode Status => status;

    public string? RequestId => requestId;

    /// <summary>The error response's body as AWS sent it, for fields some errors carry (ECS's <c>resourceIds</c>).</summary>
    public string Body { get; init; } = "";

    /// <summary>AWS's clock when it answered (the response's <c>Date</c> header), if it sent one.</summary>
    public DateTimeOffset? ServerTime { get; init; }

    /// <summary>Trying the same request again later may succeed.</summary>
    public virtual bool IsTransient => false;
}

/// <summary>Too many requests: retried with backoff.</summary>
internal sealed class AwsThrottledException(string operation, string code, string message, HttpStatusCode status, string? requestId, Exception? innerException = null)
    : AwsException(operation, code, message, status, requestId, innerException)
{
    public override bool IsTransient => true;
}

/// <summary>AWS failed on its side (HTTP 5xx, or an answer that could not be read): retried with backoff.</summary>
internal sealed class AwsServiceUnavailableException(string operation, string code, string message, HttpStatusCode status, string? requestId, Exception? innerException = null)
    : AwsException(operation, code, message, status, requestId, innerException)
{
    public override bool IsTransient => true;
}

/// <summary>The credentials are missing, wrong, expired or not allowed to do this: a configuration problem.</summary>
internal sealed class AwsAccessDeniedException(string operation, string code, string message, HttpStatusCode status, string? requestId, Exception? innerException = null)
    : AwsException(operation, code, message, status, requestId, innerException);

/// <summary>The request itself is wrong (bad parameter, missing resource): sending it again will not help.</summary>
internal sealed class AwsRequestException(string operation, string code, string message, HttpStatusCode status, string? requestId, Exception? innerException = null)
    : AwsException(operation, code, message, status, requestId, innerException);

/// <summary>No credentials could be resolved from the default chain.</summary>
internal sealed class AwsCredentialsException(string message, Exception innerException) : Exception(message, innerException);
