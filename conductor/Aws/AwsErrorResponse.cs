using System.Net;
using System.Text.Json;

namespace AgentConductor.Conductor.Aws;

/// <summary>Turns a JSON-protocol error response into the matching <see cref="AwsException"/>.</summary>
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

    public static AwsException Parse(string operation, HttpStatusCode status, string? queryErrorHeader, string? requestId, string body)
    {
        var (code, message) = Read(body);
        // SQS's JSON protocol names the legacy Query error code in a header (AWS.SimpleQueueService.NonExistentQueue;Sender).
        if (!string.IsNullOrEmpty(queryErrorHeader))
        {
            code = queryErrorHeader.Split(';')[0];
        }

        code ??= status == HttpStatusCode.TooManyRequests ? "TooManyRequests" : $"Http{(int)status}";
        message ??= string.IsNullOrWhiteSpace(body) ? "(no error message)" : Truncate(body.Trim(), 500);
        if (ThrottlingCodes.Contains(code) || status == HttpStatusCode.TooManyRequests)
        {
            return new AwsThrottledException(operation, code, message, status, requestId) { Body = body };
        }

        if (AccessCodes.Contains(code) || status is HttpStatusCode.Forbidden)
        {
            return new AwsAccessDeniedException(operation, code, message, status, requestId) { Body = body };
        }

        return (int)status >= 500
            ? new AwsServiceUnavailableException(operation, code, message, status, requestId) { Body = body }
            : new AwsRequestException(operation, code, message, status, requestId) { Body = body };
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
