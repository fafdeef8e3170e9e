using System.Text;
using System.Text.Json;
using AgentConductor.Conductor.Intake.GitHub;

namespace AgentConductor.Conductor.Intake;

/// <summary>Turns a raw queue body into a ticket, an alarm, a GitHub delivery or a rejection. Never throws on bad input.</summary>
/// <param name="gitHubWebhookSecret">The secret GitHub deliveries are verified with; without it every delivery is rejected.</param>
internal sealed class MessageParser(IntakeOptions options, string? gitHubWebhookSecret = null)
{
    // Duplicate keys are rejected: two readers of the same body must never disagree about a field.
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="body">The body as text.</param>
    /// <param name="receivedBytes">The bytes received, when they are not valid UTF-8 (<paramref name="body"/> is then
    /// their lossy decoding): sizes are measured on them, and they are rejected as not JSON.</param>
    public ParsedMessage Parse(string body, byte[]? receivedBytes = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrWhiteSpace(body))
        {
            return Reject(RejectReasons.EmptyBody, "The body is empty or whitespace only.");
        }

        var size = receivedBytes?.Length ?? Encoding.UTF8.GetByteCount(body);
        if (size > options.MaxBodyBytes)
        {
            return Reject(
                RejectReasons.TooLarge,
                $"The body is {size} bytes, over the limit of {options.MaxBodyBytes}.");
        }

        if (receivedBytes is not null)
        {
            return Reject(RejectReasons.MalformedJson, $"The body is not valid JSON because it is not valid UTF-8 (the first invalid byte is at offset {FirstInvalidByte(receivedBytes)}).");
        }

        JsonDocument document;
        try
        {
            // Encoded here, strictly: JsonDocument.Parse(string) throws ArgumentException on a lone surrogate.
            // A leading byte-order mark is not JSON but is harmless, so it is dropped rather than rejected.
            document = JsonDocument.Parse(StrictUtf8.GetBytes(body.TrimStart('\uFEFF')), JsonOptions);
        }
        catch (EncoderFallbackException)
        {
            return Reject(RejectReasons.MalformedJson, "The body is not valid JSON because it contains an unpaired UTF-16 surrogate.");
        }
        catch (JsonException ex)
        {
            return Reject(RejectReasons.MalformedJson, $"The body is not valid JSON{Explain(ex)}");
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

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) == System.Buffers.OperationStatus.Done)
        {
            offset += consumed;
        }

        return offset;
    }

    /// <summary>Completes "... is not valid JSON": where it broke, when known, and the first sentence of System.Text.Json's reason, for a rejection detail.</summary>
    internal static string Explain(JsonException ex)
    {
        const int MaxReasonLength = 200;
        var reason = ex.Message;
        var end = reason.IndexOf(". ", StringComparison.Ordinal);
        reason = (end >= 0 ? reason[..end] : reason).TrimEnd('.');
        if (reason.Length > MaxReasonLength)
        {
            reason = reason[..MaxReasonLength] + "...";
        }

        return ex.LineNumber is { } line && ex.BytePositionInLine is { } position
            ? $" at line {line + 1}, byte {position + 1}: {reason}."
            : $": {reason}.";
    }

    private ParsedMessage Classify(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return Reject(
                RejectReasons.UnknownShape,
                $"The body is {JsonFieldReader.Describe(body)}, not a JSON object.");
        }

        if (GitHubEnvelope.IsEnvelope(body))
        {
            return GitHubDeliveryParser.Parse(body, gitHubWebhookSecret, JsonOptions);
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
            "The body is a JSON object of no known shape: not a Jira issue or webhook, a CloudWatch alarm from EventBridge or SNS, nor a GitHub delivery.");
    }

    // The REST shape is "key" + "fields"; a "fields" object alone still reads as an issue whose key is missing.
    private static bool IsJiraIssue(JsonElement body) =>
        body.TryGetProperty("fields", out var fields)
        && (fields.ValueKind == JsonValueKind.Object || body.TryGetProperty("key", out _));

    private static RejectedMessage Reject(string reason, string detail) => new(null, reason, detail);
}
