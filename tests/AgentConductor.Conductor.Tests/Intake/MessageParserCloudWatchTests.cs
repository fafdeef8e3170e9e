using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake;
using static AgentConductor.Conductor.Tests.Intake.IntakeSamples;

namespace AgentConductor.Conductor.Tests.Intake;

/// <summary>CloudWatch alarms from EventBridge, in an SNS envelope, and by raw SNS delivery.</summary>
public sealed class MessageParserCloudWatchTests
{
    private const string SnsArn = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-db-cpu-high";

    [Fact]
    public void Parse_EventBridgeSample_ReadsEveryAlarmField()
    {
        var alarm = Assert.IsType<AlarmMessage>(Parse(Read(EventBridgeAlarm)));

        Assert.Equal(MessageFormat.CloudWatchEventBridge, alarm.Format);
        Assert.Equal("111122223333", alarm.Account);
        Assert.Equal("orders-api-5xx-rate", alarm.AlarmName);
        Assert.Equal(AlarmState.Alarm, alarm.State);
        Assert.Equal(AlarmState.Ok, alarm.PreviousState);
        Assert.Equal(
            "Threshold Crossed: 2 out of the last 2 datapoints were greater than the threshold (5.0).",
            alarm.Reason);
        Assert.Equal("5xx responses above 5 percent for 2 minutes", alarm.Description);
        Assert.Equal("eu-west-1", alarm.Region);
        Assert.Equal("arn:aws:cloudwatch:eu-west-1:111122223333:alarm:orders-api-5xx-rate", alarm.AlarmArn);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 5, 12, 411, TimeSpan.Zero), alarm.StateChangedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 5, 12, TimeSpan.Zero), alarm.EventTime);
    }

    [Theory]
    [InlineData("OK", nameof(AlarmState.Ok))]
    [InlineData("ALARM", nameof(AlarmState.Alarm))]
    [InlineData("INSUFFICIENT_DATA", nameof(AlarmState.InsufficientData))]
    public void Parse_EventBridgeState_MapsToAlarmState(string value, string expected)
    {
        var body = Node(EventBridgeAlarm);
        body["detail"]!["state"]!["value"] = value;

        Assert.Equal(Enum.Parse<AlarmState>(expected), Assert.IsType<AlarmMessage>(Parse(body)).State);
    }

    [Theory]
    [InlineData("aws.ec2", "EC2 Instance State-change Notification")]
    [InlineData("aws.cloudwatch", "CloudWatch Alarm Configuration Change")]
    [InlineData("my.app", "CloudWatch Alarm State Change")]
    public void Parse_OtherEventBridgeEvent_RejectsUnsupportedEvent(string source, string detailType)
    {
        var body = Node(EventBridgeAlarm);
        body["source"] = source;
        body["detail-type"] = detailType;

        var rejected = AssertRejected(Parse(body), RejectReasons.UnsupportedEvent, $"'{detailType}' from '{source}'");

        Assert.Equal(MessageFormat.CloudWatchEventBridge, rejected.Format);
    }

    [Theory]
    [InlineData("123", "'account' must be a string but was a number")]
    [InlineData("\"12345\"", "'account' must be a 12-digit AWS account id but was '12345'")]
    [InlineData("\"1111222233334\"", "'account' must be a 12-digit AWS account id")]
    [InlineData("\"11112222333a\"", "'account' must be a 12-digit AWS account id")]
    [InlineData("\"１１１１２２２２３３３３\"", "'account' must be a 12-digit AWS account id")]
    public void Parse_EventBridgeAccountNotTwelveDigits_RejectsInvalidField(string account, string mention)
    {
        var body = Node(EventBridgeAlarm);
        body["account"] = JsonNode.Parse(account);

        AssertRejected(Parse(body), RejectReasons.InvalidField, mention);
    }

    [Theory]
    [InlineData("account", "'account'")]
    [InlineData("detail", "'detail.alarmName'")]
    public void Parse_EventBridgeWithoutTopLevelField_RejectsMissingField(string field, string path)
    {
        var body = Node(EventBridgeAlarm);
        body.Remove(field);

        var rejected = AssertRejected(Parse(body), RejectReasons.MissingField, path);

        Assert.Equal(MessageFormat.CloudWatchEventBridge, rejected.Format);
    }

    [Theory]
    [InlineData("alarmName", "'detail.alarmName'")]
    [InlineData("state", "'detail.state.value'")]
    public void Parse_EventBridgeWithoutDetailField_RejectsMissingField(string field, string path)
    {
        var body = Node(EventBridgeAlarm);
        body["detail"]!.AsObject().Remove(field);

        AssertRejected(Parse(body), RejectReasons.MissingField, path);
    }

    [Theory]
    [InlineData("state", "'detail.state.value' must be OK, ALARM or INSUFFICIENT_DATA but was 'alarm'")]
    [InlineData("previousState", "'detail.previousState.value' must be OK, ALARM or INSUFFICIENT_DATA but was 'alarm'")]
    public void Parse_EventBridgeUnknownStateValue_RejectsInvalidField(string field, string mention)
    {
        var body = Node(EventBridgeAlarm);
        body["detail"]![field]!["value"] = "alarm";

        AssertRejected(Parse(body), RejectReasons.InvalidField, mention);
    }

    [Fact]
    public void Parse_EventBridgeWithoutOptionalParts_LeavesThemNull()
    {
        var body = Node(EventBridgeAlarm);
        body.Remove("resources");
        body.Remove("region");
        body.Remove("time");
        body["detail"]!.AsObject().Remove("previousState");
        body["detail"]!.AsObject().Remove("configuration");

        var alarm = Assert.IsType<AlarmMessage>(Parse(body));

        Assert.Null(alarm.AlarmArn);
        Assert.Null(alarm.Region);
        Assert.Null(alarm.EventTime);
        Assert.Null(alarm.PreviousState);
        Assert.Null(alarm.Description);
        Assert.Equal(alarm.StateChangedAt, alarm.AlarmTime);
    }

    [Fact]
    public void Parse_SnsEnvelopeSample_ReadsInnerAlarm()
    {
        var alarm = Assert.IsType<AlarmMessage>(Parse(Read(SnsAlarm)));

        Assert.Equal(MessageFormat.CloudWatchSns, alarm.Format);
        Assert.Equal("111122223333", alarm.Account);
        Assert.Equal("orders-db-cpu-high", alarm.AlarmName);
        Assert.Equal(AlarmState.Alarm, alarm.State);
        Assert.Equal(AlarmState.Ok, alarm.PreviousState);
        Assert.Equal("Threshold Crossed: 3 datapoints were greater than the threshold (85.0).", alarm.Reason);
        Assert.Equal("RDS CPU above 85%", alarm.Description);
        Assert.Equal("eu-west-1", alarm.Region);
        Assert.Equal(SnsArn, alarm.AlarmArn);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 7, 30, 120, TimeSpan.Zero), alarm.StateChangedAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 7, 30, 180, TimeSpan.Zero), alarm.EventTime);
    }

    [Fact]
    public void Parse_RawSnsDelivery_ReadsAlarmWithoutEventTime()
    {
        var alarm = Assert.IsType<AlarmMessage>(Parse(SnsInnerAlarm()));

        Assert.Equal(MessageFormat.CloudWatchSnsRaw, alarm.Format);
        Assert.Equal("111122223333", alarm.Account);
        Assert.Equal("orders-db-cpu-high", alarm.AlarmName);
        Assert.Equal(AlarmState.Alarm, alarm.State);
        Assert.Equal(AlarmState.Ok, alarm.PreviousState);
        Assert.Equal("eu-west-1", alarm.Region);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 7, 30, 120, TimeSpan.Zero), alarm.StateChangedAt);
        Assert.Null(alarm.EventTime);
    }

    [Fact]
    public void Parse_SnsWithoutAccountId_TakesAccountFromAlarmArn()
    {
        var inner = SnsInnerAlarm();
        inner.Remove("AWSAccountId");
        inner["AlarmArn"] = "arn:aws:cloudwatch:us-east-2:444455556666:alarm:x";

        var alarm = Assert.IsType<AlarmMessage>(Parse(SnsWith(inner)));

        Assert.Equal("444455556666", alarm.Account);
        Assert.Equal("us-east-2", alarm.Region);
    }

    [Fact]
    public void Parse_SnsWithoutUsableArn_TakesRegionDisplayName()
    {
        var inner = SnsInnerAlarm();
        inner["AlarmArn"] = "not-an-arn";

        var alarm = Assert.IsType<AlarmMessage>(Parse(SnsWith(inner)));

        Assert.Equal("EU (Ireland)", alarm.Region);
        Assert.Equal("not-an-arn", alarm.AlarmArn);
    }

    [Fact]
    public void Parse_SnsWithoutAccountIdOrArn_RejectsMissingField()
    {
        var inner = SnsInnerAlarm();
        inner.Remove("AWSAccountId");
        inner.Remove("AlarmArn");

        var rejected = AssertRejected(Parse(SnsWith(inner)), RejectReasons.MissingField, "'Message.AWSAccountId'");

        Assert.Equal(MessageFormat.CloudWatchSns, rejected.Format);
    }

    [Theory]
    [InlineData("AlarmName", "'Message.AlarmName'")]
    [InlineData("NewStateValue", "'Message.NewStateValue'")]
    public void Parse_SnsInnerAlarmWithoutRequiredField_RejectsMissingField(string field, string path)
    {
        var inner = SnsInnerAlarm();
        inner.Remove(field);

        AssertRejected(Parse(SnsWith(inner)), RejectReasons.MissingField, path);
    }

    [Theory]
    [InlineData("AlarmName", "'AlarmName'")]
    [InlineData("NewStateValue", "'NewStateValue'")]
    public void Parse_RawAlarmWithoutRequiredField_RejectsMissingField(string field, string path)
    {
        var inner = SnsInnerAlarm();
        inner.Remove(field);

        var rejected = AssertRejected(Parse(inner), RejectReasons.MissingField, path);

        Assert.Equal(MessageFormat.CloudWatchSnsRaw, rejected.Format);
    }

    [Theory]
    [InlineData("AWSAccountId", "111122223333", "'Message.AWSAccountId' must be a string but was a number")]
    [InlineData("AWSAccountId", "\"1111-2222-3333\"", "'Message.AWSAccountId' must be a 12-digit AWS account id")]
    [InlineData("NewStateValue", "\"FIRING\"", "'Message.NewStateValue' must be OK, ALARM or INSUFFICIENT_DATA but was 'FIRING'")]
    [InlineData("OldStateValue", "\"\"", "'Message.OldStateValue' must be OK, ALARM or INSUFFICIENT_DATA")]
    [InlineData("StateChangeTime", "\"02/11/2026 14:07\"", "'Message.StateChangeTime' must be an ISO 8601 timestamp")]
    public void Parse_SnsInnerFieldInvalid_RejectsInvalidField(string field, string json, string mention)
    {
        var inner = SnsInnerAlarm();
        inner[field] = JsonNode.Parse(json);

        AssertRejected(Parse(SnsWith(inner)), RejectReasons.InvalidField, mention);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("ALARM: orders-db-cpu-high")]
    public void Parse_SnsMessageNotJson_RejectsMalformedJsonNamingSnsMessage(string message)
    {
        var rejected = AssertRejected(Parse(SnsWithMessage(message)), RejectReasons.MalformedJson, "The SNS Message is not valid JSON");

        Assert.Equal(MessageFormat.CloudWatchSns, rejected.Format);
    }

    [Theory]
    [InlineData("""{"Records":[{"eventSource":"aws:s3"}]}""", "neither AlarmName nor NewStateValue")]
    [InlineData("[1, 2]", "The SNS Message is an array")]
    public void Parse_SnsMessageNotAnAlarm_RejectsUnknownShape(string message, string mention)
    {
        AssertRejected(Parse(SnsWithMessage(message)), RejectReasons.UnknownShape, mention);
    }

    [Theory]
    [InlineData("SubscriptionConfirmation")]
    [InlineData("UnsubscribeConfirmation")]
    public void Parse_SnsNonNotificationType_RejectsUnsupportedEvent(string type)
    {
        var envelope = Node(SnsAlarm);
        envelope["Type"] = type;

        AssertRejected(Parse(envelope), RejectReasons.UnsupportedEvent, $"'{type}'");
    }

    [Fact]
    public void Parse_SnsCarryingEventBridgeAlarm_ReadsItAsEventBridge()
    {
        var alarm = Assert.IsType<AlarmMessage>(Parse(SnsWithMessage(Read(EventBridgeAlarm))));

        Assert.Equal(MessageFormat.CloudWatchEventBridge, alarm.Format);
        Assert.Equal("orders-api-5xx-rate", alarm.AlarmName);
    }

    [Fact]
    public void Parse_SnsCarryingOtherEventBridgeEvent_RejectsUnsupportedEventWithMessagePath()
    {
        var inner = Node(EventBridgeAlarm);
        inner["source"] = "aws.ec2";
        inner["account"] = 5;

        AssertRejected(Parse(SnsWith(inner)), RejectReasons.UnsupportedEvent, "from 'aws.ec2'");
    }
}
