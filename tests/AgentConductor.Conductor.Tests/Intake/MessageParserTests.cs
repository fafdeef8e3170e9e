using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake;
using AgentConductor.TestSupport;
using static AgentConductor.Conductor.Tests.Intake.IntakeSamples;

namespace AgentConductor.Conductor.Tests.Intake;

/// <summary>Body checks, shape detection and the promise never to throw. Format-specific tests live beside this file.</summary>
public sealed class MessageParserTests
{
    public static TheoryData<string> SampleFiles =>
        [.. Directory.GetFiles(RepoPaths.SharedSamples, "*.json").Select(file => Path.GetFileName(file)).Order()];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Parse_EverySharedSample_IsAcceptedAsTicketOrAlarm(string fileName)
    {
        var result = Parse(Read(fileName));

        Assert.True(
            result is TicketMessage or AlarmMessage,
            $"{fileName} was parsed as {result}");
    }

    [Fact]
    public void SampleFiles_SharedFolder_HoldsTheFourKnownSamples()
    {
        Assert.Superset(
            new HashSet<string>([JiraRestV3, JiraWebhookCreated, EventBridgeAlarm, SnsAlarm]),
            new HashSet<string>(SampleFiles.Select(row => row.Data)));
    }

    [Fact]
    public void Parse_NullBody_ThrowsArgumentNullException()
    {
        var parser = new MessageParser(new IntakeOptions());

        Assert.Throws<ArgumentNullException>(() => parser.Parse(null!));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\r\n\t ")]
    public void Parse_EmptyOrWhitespaceBody_RejectsEmptyBody(string body)
    {
        var rejected = AssertRejected(Parse(body), RejectReasons.EmptyBody, "empty");

        Assert.Null(rejected.Format);
    }

    [Fact]
    public void Parse_BodyExactlyAtLimit_IsParsed()
    {
        var body = """{"hello":"world"}""";

        var result = Parse(body, maxBodyBytes: body.Length);

        AssertRejected(result, RejectReasons.UnknownShape, "no known shape");
    }

    [Fact]
    public void Parse_BodyOneByteOverLimit_RejectsTooLarge()
    {
        var body = """{"hello":"world"}""";

        AssertRejected(Parse(body, maxBodyBytes: body.Length - 1), RejectReasons.TooLarge, $"{body.Length} bytes");
    }

    [Fact]
    public void Parse_MultiByteCharacters_CountsUtf8BytesNotChars()
    {
        var body = """{"name":"café"}"""; // 15 chars, 16 UTF-8 bytes

        AssertRejected(Parse(body, maxBodyBytes: body.Length), RejectReasons.TooLarge, "16 bytes");
    }

    [Fact]
    public void Parse_WhitespaceBodyOverLimit_RejectsEmptyBodyFirst()
    {
        AssertRejected(Parse(new string(' ', 100), maxBodyBytes: 10), RejectReasons.EmptyBody, "empty");
    }

    [Theory]
    [InlineData("{", "JSON at line 1, byte 2: ")]
    [InlineData("not json", "line 1")]
    [InlineData("""{"key": }""", "line 1")]
    [InlineData("""{"a": 1,}""", "line 1")]
    [InlineData("{\"a\": 1}\n{\"b\": 2}", "line 2")]
    [InlineData("""{"key": "ENG-1", "key": "ENG-2", "fields": {}}""", "JSON: Duplicate property 'key'")]
    public void Parse_InvalidJson_RejectsMalformedJson(string body, string mention)
    {
        var rejected = AssertRejected(Parse(body), RejectReasons.MalformedJson, mention);

        Assert.StartsWith("The body is not valid JSON", rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingDeeperThanTheJsonLimit_RejectsMalformedJson()
    {
        var body = new string('[', 1000) + new string(']', 1000);

        AssertRejected(Parse(body), RejectReasons.MalformedJson, "depth");
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("""[{"key":"ENG-1","fields":{}}]""", "an array")]
    [InlineData("\"x\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("true", "a boolean")]
    [InlineData("null", "null")]
    public void Parse_JsonThatIsNotAnObject_RejectsUnknownShape(string body, string kind)
    {
        var rejected = AssertRejected(Parse(body), RejectReasons.UnknownShape, $"The body is {kind}, not a JSON object.");

        Assert.Null(rejected.Format);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"hello":"world"}""")]
    [InlineData("""{"key":"ENG-1"}""")]
    [InlineData("""{"source":"aws.cloudwatch"}""")]
    [InlineData("""{"Type":"Notification"}""")]
    public void Parse_ObjectOfNoKnownShape_RejectsUnknownShape(string body)
    {
        var rejected = AssertRejected(Parse(body), RejectReasons.UnknownShape, "no known shape");

        Assert.Null(rejected.Format);
    }

    [Fact]
    public void Parse_DeeplyNestedGarbageObject_RejectsUnknownShape()
    {
        JsonNode garbage = new JsonArray(1, "two", null);
        for (var i = 0; i < 60; i++)
        {
            garbage = new JsonObject { [$"level{i}"] = garbage, ["noise"] = new JsonArray() };
        }

        AssertRejected(Parse(garbage), RejectReasons.UnknownShape, "no known shape");
    }

    [Theory]
    [InlineData("""{"webhookEvent": 42}""", "'webhookEvent' must be a string")]
    [InlineData("""{"webhookEvent": "jira:issue_created", "issue": []}""", "'issue' must be an object")]
    [InlineData("""{"key": "ENG-1", "fields": "x"}""", "'fields' must be an object")]
    [InlineData("""{"source": 1, "detail-type": "x"}""", "'source' must be a string")]
    [InlineData("""{"Type": "Notification", "Message": {"AlarmName": "a"}}""", "'Message' must be a string")]
    [InlineData("""{"AlarmName": ["a"], "NewStateValue": "OK"}""", "'AlarmName' must be a string")]
    public void Parse_KnownShapeWithWrongTypes_RejectsInvalidField(string body, string mention)
    {
        AssertRejected(Parse(body), RejectReasons.InvalidField, mention);
    }

    [Theory]
    [InlineData("{\"Type\":\"Notification\",\"Message\":\"\\\"just a string\\\"\"}", RejectReasons.UnknownShape)]
    [InlineData("{\"webhookEvent\":\"jira:issue_updated\",\"timestamp\":1e400,\"issue\":{\"key\":\"ENG-1\"}}", RejectReasons.InvalidField)]
    [InlineData("{\"webhookEvent\":\"jira:issue_updated\",\"timestamp\":-99999999999999999,\"issue\":{\"key\":\"ENG-1\"}}", RejectReasons.InvalidField)]
    [InlineData("{\"fields\":{\"fields\":{\"fields\":{}}},\"key\":{\"key\":\"ENG-1\"}}", RejectReasons.InvalidField)]
    [InlineData("{\"AlarmName\":{\"AlarmName\":{}},\"NewStateValue\":[[[]]]}", RejectReasons.InvalidField)]
    [InlineData("\uFEFF{}", RejectReasons.UnknownShape)]
    [InlineData("\uFEFF\uFEFF", RejectReasons.MalformedJson)]
    [InlineData("{\"a\":\"\\ud800\"}", RejectReasons.UnknownShape)]
    public void Parse_HostileInput_RejectsWithoutThrowing(string body, string reason)
    {
        var rejected = Assert.IsType<RejectedMessage>(Parse(body));

        Assert.Equal(reason, rejected.Reason);
    }

    [Fact]
    public void Parse_LoneSurrogateInBody_RejectsWithoutThrowing()
    {
        var body = "{\"" + '\ud800' + "\":1}";

        AssertRejected(Parse(body), RejectReasons.MalformedJson, "unpaired UTF-16 surrogate");
    }

    [Theory]
    [InlineData("{\"AlarmName\":\"\\ud800\",\"NewStateValue\":\"OK\"}", "'AlarmName'")]
    [InlineData("{\"key\":\"ENG-1\",\"fields\":{\"description\":\"\\udfff\"}}", "'fields.description'")]
    [InlineData("{\"key\":\"ENG-1\",\"fields\":{\"labels\":[\"ok\",\"\\ud800\"]}}", "'fields.labels[1]'")]
    public void Parse_EscapedLoneSurrogateInField_RejectsInvalidField(string body, string path)
    {
        var rejected = AssertRejected(Parse(body), RejectReasons.InvalidField, path);

        Assert.Contains("unpaired surrogate", rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LeadingByteOrderMark_IsIgnored()
    {
        Assert.IsType<TicketMessage>(Parse("\uFEFF" + Read(JiraRestV3)));
    }
}
