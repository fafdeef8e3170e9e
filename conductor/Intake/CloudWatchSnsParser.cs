using System.Text.Json;

namespace AgentConductor.Conductor.Intake;

/// <summary>
/// Reads the classic CloudWatch alarm JSON that SNS carries: inside a <c>Notification</c> envelope's
/// <c>Message</c> string, or on its own when the subscription uses raw message delivery.
/// </summary>
internal static class CloudWatchSnsParser
{
    public static bool IsEnvelope(JsonElement body) =>
        body.TryGetProperty("Type", out _) && body.TryGetProperty("Message", out _);

    public static bool IsClassicAlarm(JsonElement body) =>
        body.TryGetProperty("AlarmName", out _) || body.TryGetProperty("NewStateValue", out _);

    public static AlarmMessage ParseEnvelope(JsonElement body, JsonDocumentOptions jsonOptions)
    {
        var envelope = new JsonFieldReader(body, MessageFormat.CloudWatchSns);
        var type = envelope.RequiredString("Type");
        if (type != "Notification")
        {
            throw envelope.Reject(
                RejectReasons.UnsupportedEvent,
                $"The SNS message type {JsonFieldReader.Quote(type)} is not supported; only 'Notification' is.");
        }

        var message = envelope.RequiredString("Message");
        var eventTime = envelope.OptionalTimestamp("Timestamp");
        using var inner = ParseMessage(envelope, message, jsonOptions);
        var alarm = inner.RootElement;
        if (alarm.ValueKind != JsonValueKind.Object)
        {
            throw envelope.Reject(
                RejectReasons.UnknownShape,
                $"The SNS Message is {JsonFieldReader.Describe(alarm)}, not a JSON object.");
        }

        if (IsClassicAlarm(alarm))
        {
            return ParseAlarm(new JsonFieldReader(alarm, MessageFormat.CloudWatchSns, "Message"), eventTime);
        }

        // An EventBridge rule can target an SNS topic: the Message is then the EventBridge event itself.
        if (CloudWatchEventBridgeParser.IsEventBridgeEvent(alarm))
        {
            return CloudWatchEventBridgeParser.Parse(alarm, "Message");
        }

        throw envelope.Reject(
            RejectReasons.UnknownShape,
            "The SNS Message is a JSON object but not a CloudWatch alarm: it has neither AlarmName nor NewStateValue.");
    }

    /// <summary>Raw message delivery: the alarm JSON is the whole body.</summary>
    public static AlarmMessage ParseRaw(JsonElement body)
    {
        var alarm = new JsonFieldReader(body, MessageFormat.CloudWatchSnsRaw);
        return ParseAlarm(alarm, alarm.OptionalTimestamp("Timestamp"));
    }

    private static AlarmMessage ParseAlarm(JsonFieldReader alarm, DateTimeOffset? eventTime)
    {
        var alarmName = alarm.RequiredString("AlarmName");
        var state = AlarmFields.RequiredState(alarm, "NewStateValue");
        var alarmArn = alarm.OptionalString("AlarmArn");
        var arn = AlarmArn.TryParse(alarmArn);
        return new AlarmMessage(
            alarm.Format,
            Account: AlarmFields.OptionalAccount(alarm, "AWSAccountId") ?? arn?.Account ?? throw alarm.Missing("AWSAccountId"),
            AlarmName: alarmName,
            State: state,
            PreviousState: AlarmFields.OptionalState(alarm, "OldStateValue"),
            Reason: alarm.OptionalString("NewStateReason"),
            Description: alarm.OptionalString("AlarmDescription"),
            Region: arn?.Region ?? alarm.OptionalString("Region"),
            AlarmArn: alarmArn,
            StateChangedAt: alarm.OptionalTimestamp("StateChangeTime"),
            EventTime: eventTime);
    }

    private static JsonDocument ParseMessage(JsonFieldReader envelope, string message, JsonDocumentOptions jsonOptions)
    {
        try
        {
            return JsonDocument.Parse(message, jsonOptions);
        }
        catch (JsonException ex)
        {
            throw envelope.Reject(
                RejectReasons.MalformedJson,
                $"The SNS Message is not valid JSON{MessageParser.Explain(ex)}");
        }
    }
}
