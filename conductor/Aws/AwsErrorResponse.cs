using System.Net;
using System.Text.Json;

namespace AgentConductor.Conductor.Aws;

/// <summary>Turns an error AWS answered (a JSON-protocol error response, or one an AWS SDK client read) into the matching <see cref="AwsException"/>.</summary>
internal static class AwsErrorResponse
{
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", "AWS.SimpleQueueService.RequestThrottled",
    };

    private static readonly HashSet<string> AccessCodes = new(StringComparer.Ordinal)
    {
        "AccessDenied", "AccessDeniedException", "UnrecognizedClientException", "InvalidClientTokenId",
        "InvalidSignatureException", "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken",
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "AuthFailure", "NotAuthorized",
    };

    /// <param name="serverTime">The response's <c>Date</c> header, if it had one.</param>
    public static AwsException Parse(string operation, HttpStatusCode status, string? queryErrorHeader, string? requestId, string body, DateTimeOffset? serverTime = null)
    {
        var (code, message) = Read(body);
        // SQS's JSON protocol names the legacy Query error code in a header (AWS.SimpleQueueService.NonExistentQueue;Sender).
        if (!string.IsNullOrEmpty(queryErrorHeader))
        {
            code = queryErrorHeader.Split(';')[0];
        }

        code ??= status == HttpStatusCode.TooManyRequests ? "TooManyRequests" : $"Http{(int)status}";
        message ??= string.IsNullOrWhiteSpace(body) ? "(no error message)" : Truncate(body.Trim(), 500);
        return Classify(operation, code, message, status, requestId, body, serverTime);
    }

    /// <summary>
    /// The typed exception for an error AWS answered: throttling codes and 429 are throttling, the credential and
    /// signature codes and 403 are access denied, 5xx (and a success status: an answer that could not be read) are
    /// AWS's side, anything else is a bad request.
    /// </summary>
    public static AwsException Classify(
        string operation, string code, string message, HttpStatusCode status, string? requestId,
        string body = "", DateTimeOffset? serverTime = null, Exception? innerException = null)
    {
        if (ThrottlingCodes.Contains(code) || status == HttpStatusCode.TooManyRequests)
        {
            return new AwsThrottledException(operation, code, message, status, requestId, innerException) { Body = body, ServerTime = serverTime };
        }

        if (AccessCodes.Contains(code) || status is HttpStatusCode.Forbidden)
        {
            return new AwsAccessDeniedException(operation, code, message, status, requestId, innerException) { Body = body, ServerTime = serverTime };
        }

        return (int)status is >= 500 or < 300
            ? new AwsServiceUnavailableException(operation, code, message, status, requestId, innerException) { Body = body, ServerTime = serverTime }
            : new AwsRequestException(operation, code, message, status, requestId, innerException) { Body = body, ServerTime = serverTime };
    }

    /// <summary>
    /// <c>__type</c> may carry a namespace (<c>com.amazonaws.sqs#QueueDoesNotExist</c>) or a trailing URL
    /// (<c>SerializationException:http://...</c>); the message field is spelled <c>message</c> or <c>Message</c>.
    /// </summary>
    private static (string? Code, string? Message) Read(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            string? code = null;
            string? message = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                if (property.NameEquals("__type") || property.NameEquals("code"))
                {
                    code = ShortCode(property.Value.GetString()!);
                }
                else if (property.Name.Equals("message", StringComparison.OrdinalIgnoreCase))
                {
                    message = property.Value.GetString();
                }
            }

            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string ShortCode(string type)
    {
        var hash = type.LastIndexOf('#');
        var code = hash >= 0 ? type[(hash + 1)..] : type;
        var colon = code.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? code[..colon] : code;
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max] + "...";
}
