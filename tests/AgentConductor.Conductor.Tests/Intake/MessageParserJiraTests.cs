using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake;
using static AgentConductor.Conductor.Tests.Intake.IntakeSamples;

namespace AgentConductor.Conductor.Tests.Intake;

/// <summary>Jira issues in the REST shape (v2 and v3) and Jira webhooks.</summary>
public sealed class MessageParserJiraTests
{
    [Fact]
    public void Parse_RestV3Sample_ReadsEveryTicketField()
    {
        var ticket = Assert.IsType<TicketMessage>(Parse(Read(JiraRestV3)));

        Assert.Equal(MessageFormat.JiraIssue, ticket.Format);
        Assert.Equal(TicketAction.Upsert, ticket.Action);
        Assert.Equal("ENG-781", ticket.Key);
        Assert.Equal("ENG", ticket.ProjectKey);
        Assert.Equal("Session refresh loses the return URL", ticket.Summary);
        Assert.Equal(
            "After a session refresh the user lands on /home instead of the page they were on.\n\n"
            + "Expected: the original URL is restored.",
            ticket.Description);
        Assert.Equal(["auth", "session"], ticket.Labels);
        Assert.Equal(["Authentication"], ticket.Components);
        Assert.Equal("To Do", ticket.Status);
        Assert.Equal("Bug", ticket.IssueType);
        Assert.Equal("High", ticket.Priority);
        Assert.Equal("https://example.atlassian.net/browse/ENG-781", ticket.Url);
        Assert.Equal(new DateTimeOffset(2026, 5, 13, 9, 41, 3, TimeSpan.Zero), ticket.EventTime);
    }

    [Fact]
    public void Parse_WebhookSample_ReadsIssueAndUsesWebhookTimestamp()
    {
        var ticket = Assert.IsType<TicketMessage>(Parse(Read(JiraWebhookCreated)));

        Assert.Equal(MessageFormat.JiraWebhook, ticket.Format);
        Assert.Equal(TicketAction.Upsert, ticket.Action);
        Assert.Equal("PAY-412", ticket.Key);
        Assert.Equal("PAY", ticket.ProjectKey);
        Assert.Equal("Refund endpoint returns 500 for partially captured payments", ticket.Summary);
        Assert.Equal(["agent", "payments-api"], ticket.Labels);
        Assert.Empty(ticket.Components);
        Assert.Equal("To Do", ticket.Status);
        Assert.Equal("Bug", ticket.IssueType);
        Assert.Equal("High", ticket.Priority);
        Assert.Equal("https://example.atlassian.net/browse/PAY-412", ticket.Url);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1762092000000), ticket.EventTime);
    }

    [Fact]
    public void Parse_V2PlainDescription_KeepsItVerbatim()
    {
        var ticket = Assert.IsType<TicketMessage>(Parse(Read(JiraWebhookCreated)));

        Assert.Equal(
            "Steps:\n# Capture 50% of an order\n# POST /refunds with the full amount\n\nExpected a 422, got a 500. Stack trace in the attachment.",
            ticket.Description);
    }

    [Theory]
    [InlineData("jira:issue_created", nameof(TicketAction.Upsert))]
    [InlineData("jira:issue_updated", nameof(TicketAction.Upsert))]
    [InlineData("jira:issue_deleted", nameof(TicketAction.Deleted))]
    public void Parse_WebhookIssueEvent_MapsToAction(string webhookEvent, string expected)
    {
        var webhook = Node(JiraWebhookCreated);
        webhook["webhookEvent"] = webhookEvent;

        var ticket = Assert.IsType<TicketMessage>(Parse(webhook));

        Assert.Equal(Enum.Parse<TicketAction>(expected), ticket.Action);
        Assert.Equal("PAY-412", ticket.Key);
    }

    [Theory]
    [InlineData("comment_created")]
    [InlineData("jira:worklog_updated")]
    [InlineData("JIRA:ISSUE_CREATED")]
    public void Parse_WebhookOtherEvent_RejectsUnsupportedEventNamingIt(string webhookEvent)
    {
        var webhook = Node(JiraWebhookCreated);
        webhook["webhookEvent"] = webhookEvent;

        var rejected = AssertRejected(Parse(webhook), RejectReasons.UnsupportedEvent, $"'{webhookEvent}'");

        Assert.Equal(MessageFormat.JiraWebhook, rejected.Format);
    }

    [Fact]
    public void Parse_WebhookWithoutTimestamp_UsesIssueUpdated()
    {
        var webhook = Node(JiraWebhookCreated);
        webhook.Remove("timestamp");
        webhook["issue"]!["fields"]!["updated"] = "2026-11-03T08:00:00.000+0100";

        var ticket = Assert.IsType<TicketMessage>(Parse(webhook));

        Assert.Equal(new DateTimeOffset(2026, 11, 3, 7, 0, 0, TimeSpan.Zero), ticket.EventTime);
    }

    [Theory]
    [InlineData("\"1762092000000\"", "a string")]
    [InlineData("1.5", "'1.5'")]
    [InlineData("99999999999999999", "'99999999999999999'")]
    public void Parse_WebhookTimestampNotEpochMillis_RejectsInvalidField(string timestamp, string mention)
    {
        var webhook = Node(JiraWebhookCreated);
        webhook["timestamp"] = JsonNode.Parse(timestamp);

        var rejected = AssertRejected(Parse(webhook), RejectReasons.InvalidField, "'timestamp' must be epoch milliseconds");

        Assert.Contains(mention, rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WebhookWithoutIssue_RejectsMissingField()
    {
        var webhook = Node(JiraWebhookCreated);
        webhook.Remove("issue");

        var rejected = AssertRejected(Parse(webhook), RejectReasons.MissingField, "'issue'");

        Assert.Equal(MessageFormat.JiraWebhook, rejected.Format);
    }

    [Fact]
    public void Parse_WebhookIssueWithoutKey_RejectsMissingFieldWithFullPath()
    {
        var webhook = Node(JiraWebhookCreated);
        webhook["issue"]!.AsObject().Remove("key");

        AssertRejected(Parse(webhook), RejectReasons.MissingField, "'issue.key'");
    }

    [Fact]
    public void Parse_IssueWithFieldsButNoKey_RejectsMissingField()
    {
        var issue = Node(JiraRestV3);
        issue.Remove("key");

        var rejected = AssertRejected(Parse(issue), RejectReasons.MissingField, "'key'");

        Assert.Equal(MessageFormat.JiraIssue, rejected.Format);
    }

    [Theory]
    [InlineData("eng-781")]
    [InlineData("E-781")]
    [InlineData("ENG781")]
    [InlineData("ENG-")]
    [InlineData("1ENG-781")]
    [InlineData("ENG-781\n")]
    [InlineData(" ENG-781")]
    [InlineData("ENG-78A")]
    public void Parse_KeyThatIsNotAJiraKey_RejectsInvalidField(string key)
    {
        var issue = Node(JiraRestV3);
        issue["key"] = key;

        AssertRejected(Parse(issue), RejectReasons.InvalidField, "'key' must be a Jira issue key");
    }

    [Theory]
    [InlineData("AB-1", "AB")]
    [InlineData("A_B9-42", "A_B9")]
    public void Parse_IssueWithoutProject_TakesProjectKeyFromKeyPrefix(string key, string projectKey)
    {
        var body = new JsonObject { ["key"] = key, ["fields"] = new JsonObject { ["summary"] = "s" } };

        var ticket = Assert.IsType<TicketMessage>(Parse(body));

        Assert.Equal(projectKey, ticket.ProjectKey);
    }

    [Fact]
    public void Parse_MinimalIssue_LeavesOptionalFieldsEmpty()
    {
        var ticket = Assert.IsType<TicketMessage>(Parse("""{"key":"OPS-7","fields":{}}"""));

        Assert.Equal("OPS-7", ticket.Key);
        Assert.Null(ticket.Summary);
        Assert.Null(ticket.Description);
        Assert.Empty(ticket.Labels);
        Assert.Empty(ticket.Components);
        Assert.Null(ticket.Status);
        Assert.Null(ticket.Priority);
        Assert.Null(ticket.Url);
        Assert.Null(ticket.EventTime);
    }

    [Fact]
    public void Parse_NullPriorityAndDescription_ReadAsAbsent()
    {
        var issue = Node(JiraRestV3);
        issue["fields"]!["priority"] = null;
        issue["fields"]!["description"] = null;

        var ticket = Assert.IsType<TicketMessage>(Parse(issue));

        Assert.Null(ticket.Priority);
        Assert.Null(ticket.Description);
    }

    [Fact]
    public void Parse_IssueWithoutUpdated_UsesCreated()
    {
        var issue = Node(JiraRestV3);
        issue["fields"]!.AsObject().Remove("updated");

        var ticket = Assert.IsType<TicketMessage>(Parse(issue));

        Assert.Equal(new DateTimeOffset(2026, 5, 12, 18, 22, 14, TimeSpan.Zero), ticket.EventTime);
    }

    [Theory]
    [InlineData("https://jira.corp.example:8443/jira/rest/api/2/issue/1", "https://jira.corp.example:8443/jira/browse/ENG-781")]
    [InlineData("http://localhost:8080/rest/api/2/issue/1", "http://localhost:8080/browse/ENG-781")]
    [InlineData("https://example.atlassian.net/", "https://example.atlassian.net/browse/ENG-781")]
    [InlineData("not a url", null)]
    [InlineData("ftp://example.com/rest/api/2/issue/1", null)]
    public void Parse_SelfUrl_BuildsBrowseUrl(string self, string? expected)
    {
        var issue = Node(JiraRestV3);
        issue["self"] = self;

        var ticket = Assert.IsType<TicketMessage>(Parse(issue));

        Assert.Equal(expected, ticket.Url);
    }

    [Fact]
    public void Parse_ComponentsWithoutNames_SkipsThem()
    {
        var issue = Node(JiraRestV3);
        issue["fields"]!["components"] = JsonNode.Parse("""[{"id":"1"},{"name":"Billing"},{"name":null}]""");

        var ticket = Assert.IsType<TicketMessage>(Parse(issue));

        Assert.Equal(["Billing"], ticket.Components);
    }

    [Theory]
    [InlineData("summary", "5", "'fields.summary' must be a string but was a number")]
    [InlineData("labels", "[\"ok\", 1]", "'fields.labels[1]' must be a string but was a number")]
    [InlineData("labels", "\"auth\"", "'fields.labels' must be an array but was a string")]
    [InlineData("components", "[\"Auth\"]", "'fields.components[0]' must be an object but was a string")]
    [InlineData("project", "\"ENG\"", "'fields.project' must be an object but was a string")]
    [InlineData("status", "{\"name\": {\"x\": 1}}", "'fields.status.name' must be a string but was an object")]
    [InlineData("description", "42", "'fields.description' must be a string (v2) or an ADF document (v3) but was a number")]
    [InlineData("updated", "\"yesterday\"", "'fields.updated' must be an ISO 8601 timestamp but was 'yesterday'")]
    [InlineData("created", "1762092000000", "'fields.created' must be a string but was a number")]
    public void Parse_IssueFieldOfWrongType_RejectsInvalidFieldNamingPath(string field, string json, string mention)
    {
        var issue = Node(JiraRestV3);
        issue["fields"]![field] = JsonNode.Parse(json);
        if (field == "created")
        {
            issue["fields"]!.AsObject().Remove("updated");
        }

        var rejected = AssertRejected(Parse(issue), RejectReasons.InvalidField, mention);

        Assert.Equal(MessageFormat.JiraIssue, rejected.Format);
    }

    [Fact]
    public void Parse_HugeInvalidKey_QuotesOnlyItsStart()
    {
        var issue = Node(JiraRestV3);
        issue["key"] = new string('x', 10_000);

        var rejected = AssertRejected(Parse(issue), RejectReasons.InvalidField, "...'");

        Assert.True(rejected.Detail.Length < 200, rejected.Detail);
    }
}
