using System.Text;
using System.Text.Json;

namespace AgentConductor.Conductor.Intake;

/// <summary>Turns a raw queue body into a ticket, an alarm or a rejection. Never throws on bad input.</summary>
internal sealed class MessageParser(IntakeOptions options)
{
    // Duplicate keys are rejected: two readers of the same body must never disagree about a field.
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public ParsedMessage Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body))
        {
            return Reject(RejectReasons.EmptyBody, "The body is empty or whitespace only.");
        }

        var size = Encoding.UTF8.GetByteCount(body);
        if (size > options.MaxBodyBytes)
        {
            return Reject(
                RejectReasons.TooLarge,
                $"The body is {size} UTF-8 bytes, over the limit of {options.MaxBodyBytes}.");
        }

        JsonDocument document;
        try
        {
            // Encoded here, strictly: JsonDocument.Parse(string) throws ArgumentException on a lone surrogate.
            document = JsonDocument.Parse(StrictUtf8.GetBytes(body), JsonOptions);
        }
        catch (EncoderFallbackException)
        {
            return Reject(RejectReasons.MalformedJson, "The body is not valid JSON: it contains an unpaired UTF-16 surrogate.");
        }
        catch (JsonException ex)
        {
            return Reject(RejectReasons.MalformedJson, $"The body is not valid JSON: {Explain(ex)}");
        }

        using (document)
        {
            try
            {
                return Classify(document.RootElement);
            }
            catch (MessageRejectedException ex)
            {
                return ex.Rejection;
            }
        }
    }

    /// <summary>The parser's own words for a JSON error, without the position suffix, plus a 1-based position.</summary>
    internal static string Explain(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        message = (cut >= 0 ? message[..cut] : message).TrimEnd(' ', '.', '|');
        return ex.LineNumber is { } line && ex.BytePositionInLine is { } position
            ? $"{message} (line {line + 1}, byte {position + 1})."
            : $"{message}.";
    }

    private static ParsedMessage Classify(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Reject(
                RejectReasons.UnknownShape,
                $"The body is {JsonFieldReader.Describe(body)}, not a JSON object.");
        }

        if (body.TryGetProperty("webhookEvent", out _))
        {
            return JiraWebhookParser.Parse(body);
        }

        if (IsJiraIssue(body))
        {
            return JiraIssueParser.Parse(new JsonFieldReader(body, MessageFormat.JiraIssue), TicketAction.Upsert);
        }

        if (CloudWatchEventBridgeParser.IsEventBridgeEvent(body))
        {
            return CloudWatchEventBridgeParser.Parse(body);
        }

        if (CloudWatchSnsParser.IsEnvelope(body))
        {
            return CloudWatchSnsParser.ParseEnvelope(body, JsonOptions);
        }

        if (CloudWatchSnsParser.IsClassicAlarm(body))
        {
            return CloudWatchSnsParser.ParseRaw(body);
        }

        return Reject(
            RejectReasons.UnknownShape,
            "The body is a JSON object of no known shape: not a Jira issue or webhook, nor a CloudWatch alarm from EventBridge or SNS.");
    }

    // The REST shape is "key" + "fields"; a "fields" object alone still reads as an issue whose key is missing.
    private static bool IsJiraIssue(JsonElement body) =>
        body.TryGetProperty("fields", out var fields)
        && (fields.ValueKind == JsonValueKind.Object || body.TryGetProperty("key", out _));

    private static RejectedMessage Reject(string reason, string detail) => new(null, reason, detail);
}
