using System.Text.Json;

namespace AgentConductor.Conductor.Intake;

/// <summary>Reads an EventBridge event; only <c>aws.cloudwatch</c> / <c>CloudWatch Alarm State Change</c> is accepted.</summary>
internal static class CloudWatchEventBridgeParser
{
    public const string Source = "aws.cloudwatch";
    public const string DetailType = "CloudWatch Alarm State Change";

    public static bool IsEventBridgeEvent(JsonElement body) =>
        body.TryGetProperty("source", out _) && body.TryGetProperty("detail-type", out _);

    /// <param name="pathPrefix">Where the event sits, for rejection details (<c>Message</c> when it came inside SNS).</param>
    public static AlarmMessage Parse(JsonElement body, string pathPrefix = "")
    {
        var reader = new JsonFieldReader(body, MessageFormat.CloudWatchEventBridge, pathPrefix);
        var source = reader.RequiredString("source");
        var detailType = reader.RequiredString("detail-type");
        if (source != Source || detailType != DetailType)
        {
            throw reader.Reject(
                RejectReasons.UnsupportedEvent,
                $"The EventBridge event {JsonFieldReader.Quote(detailType)} from {JsonFieldReader.Quote(source)} is not supported; only '{DetailType}' from '{Source}' is.");
        }

        return new AlarmMessage(
            MessageFormat.CloudWatchEventBridge,
            Account: AlarmFields.OptionalAccount(reader, "account") ?? throw reader.Missing("account"),
            AlarmName: reader.RequiredString("detail.alarmName"),
            State: AlarmFields.RequiredState(reader, "detail.state.value"),
            PreviousState: AlarmFields.OptionalState(reader, "detail.previousState.value"),
            Reason: reader.OptionalString("detail.state.reason"),
            Description: reader.OptionalString("detail.configuration.description"),
            Region: reader.OptionalString("region"),
            AlarmArn: reader.OptionalStringArray("resources") is [var arn, ..] ? arn : null,
            StateChangedAt: reader.OptionalTimestamp("detail.state.timestamp"),
            EventTime: reader.OptionalTimestamp("time"));
    }
}
