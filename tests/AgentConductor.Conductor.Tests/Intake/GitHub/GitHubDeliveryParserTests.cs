using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.TestSupport.GitHubWebhooks;

namespace AgentConductor.Conductor.Tests.Intake.GitHub;

public sealed class GitHubDeliveryParserTests
{
    private const string Secret = GitHubDeliveries.Secret;
    private static readonly PullRequestRef Pr = new("acme/pay", 7, "agent/01jabcdefghjkmnpqrstvwxyz0/fix-refunds");
    private static readonly MessageParser Parser = new(new IntakeOptions(), Secret);

    [Fact]
    public void Envelope_RoundTrip_KeepsTheBodyByteForByte()
    {
        var body = Encoding.UTF8.GetBytes("{\"text\":\"caf\u00e9 \u2014 <b>&\\u0000 \\\" \ud83d\ude00\"}\r\n");
        var envelope = new GitHubEnvelope("issue_comment", "d-1", "sha256=00", body);

        using var document = JsonDocument.Parse(envelope.ToJson());
        var read = GitHubEnvelope.Read(document.RootElement);

        Assert.Equal(body, read.Body);
        Assert.Equal(("issue_comment", "d-1", "sha256=00"), (read.Event, read.DeliveryId, read.Signature));
    }

    [Fact]
    public void Envelope_BodyThatIsNotUtf8_IsKeptAsBase64AndStillVerifies()
    {
        byte[] body = [0x7b, 0xff, 0xfe, 0x7d];
        var envelope = new GitHubEnvelope("push", "d-2", GitHubSignature.Sign(Secret, body), body);

        var json = Encoding.UTF8.GetString(envelope.ToJson());
        using var document = JsonDocument.Parse(json);

        Assert.Contains("\"bodyBase64\"", json, StringComparison.Ordinal);
        Assert.Equal(body, GitHubEnvelope.Read(document.RootElement).Body);
        var rejected = Assert.IsType<RejectedMessage>(Parser.Parse(json));
        Assert.Equal(RejectReasons.MalformedJson, rejected.Reason); // authentic, but not JSON
    }

    [Fact]
    public void Parse_ReviewRequestingChanges_ReadsReviewPullRequestAndSender()
    {
        var delivery = Parse("pull_request_review", GitHubPayloads.Review(Pr, 901, "maria", "changes_requested", "Please round half to even.", "OWNER"));

        Assert.Equal(("pull_request_review", "submitted", "acme/pay"), (delivery.Event, delivery.Action, delivery.Repository));
        Assert.Equal(new GitHubPullRequest(7, Pr.HtmlUrl, "open", Pr.HeadRef, "main"), delivery.PullRequest);
        var review = delivery.Comment!;
        Assert.Equal(("review", 901L, 901L, "maria", "OWNER", "changes_requested"), (review.Kind, review.Id, review.ReviewId, review.Author!.Login, review.AuthorAssociation, review.State));
        Assert.Equal("Please round half to even.", review.Body);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero), delivery.EventTime);
        Assert.False(delivery.Sender!.IsBot);
    }

    [Fact]
    public void Parse_ReviewComment_ReadsFileLineHunkAndReview()
    {
        var delivery = Parse("pull_request_review_comment", GitHubPayloads.ReviewComment(Pr, 5501, 901, "maria", "Use banker's rounding here.", "src/Refunds.cs", 88));

        var comment = delivery.Comment!;
        Assert.Equal(("review_comment", 5501L, (long?)901, "src/Refunds.cs", (int?)88), (comment.Kind, comment.Id, comment.ReviewId, comment.Path, comment.Line));
        Assert.StartsWith("@@ -40,6", comment.DiffHunk, StringComparison.Ordinal);
        Assert.Equal($"{Pr.HtmlUrl}#discussion_r5501", comment.Url);
    }

    [Fact]
    public void Parse_IssueComment_OnAPullRequestOrAnIssue()
    {
        var onPr = Parse("issue_comment", GitHubPayloads.IssueComment(Pr, 77, "lee", "@agent-conductor please add a test"));
        var onIssue = Parse("issue_comment", GitHubPayloads.IssueComment(Pr, 78, "lee", "hi", onPullRequest: false));

        Assert.Equal((7, Pr.HtmlUrl), (onPr.PullRequest!.Number, onPr.PullRequest.HtmlUrl));
        Assert.Equal("issue_comment", onPr.Comment!.Kind);
        Assert.Null(onIssue.PullRequest);
    }

    [Fact]
    public void Parse_CheckSuite_ReadsConclusionBranchAndNumber()
    {
        var delivery = Parse("check_suite", GitHubPayloads.CheckSuite(Pr, 3300, "failure"));

        Assert.Equal(("check_suite", 3300L, "failure"), (delivery.Comment!.Kind, delivery.Comment.Id, delivery.Comment.State));
        Assert.Equal(new GitHubPullRequest(7, null, null, Pr.HeadRef, "main"), delivery.PullRequest);
        Assert.True(delivery.Sender!.IsBot);
    }

    [Fact]
    public void Parse_OtherEventsAndActions_AreDeliveriesWithoutAComment()
    {
        var push = Parse("push", new JsonObject { ["ref"] = "refs/heads/main", ["repository"] = new JsonObject { ["full_name"] = "acme/pay" } });
        var edited = GitHubPayloads.IssueComment(Pr, 79, "lee", "edited text");
        edited["action"] = "edited";

        Assert.Null(push.Comment);
        Assert.Equal("acme/pay", push.Repository);
        Assert.Null(Parse("issue_comment", edited).Comment);
    }

    [Theory]
    [InlineData(nameof(Signing.None), RejectReasons.Unsigned)]
    [InlineData(nameof(Signing.WrongSecret), RejectReasons.BadSignature)]
    [InlineData(nameof(Signing.Tampered), RejectReasons.BadSignature)]
    public void Parse_NotSignedWithTheSecret_IsRejectedBeforeAnythingIsRead(string how, string reason)
    {
        var message = GitHubDeliveries.Message("issue_comment", GitHubPayloads.IssueComment(Pr, 80, "lee", "hi"), DateTimeOffset.UnixEpoch, "d-3", Enum.Parse<Signing>(how));

        var rejected = Assert.IsType<RejectedMessage>(Parser.Parse(message.Body));

        Assert.Equal((MessageFormat.GitHubWebhook, reason), (rejected.Format, rejected.Reason));
        Assert.StartsWith("sha256:", message.MessageId, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithoutAConfiguredSecret_EveryDeliveryIsRejectedAsNoSecret()
    {
        var message = GitHubDeliveries.Message("issue_comment", GitHubPayloads.IssueComment(Pr, 81, "lee", "hi"), DateTimeOffset.UnixEpoch, "d-4");

        var rejected = Assert.IsType<RejectedMessage>(new MessageParser(new IntakeOptions()).Parse(message.Body));

        Assert.Equal(RejectReasons.NoSecret, rejected.Reason);
    }

    [Theory]
    [InlineData(null, "d-5", RejectReasons.MissingField, "X-GitHub-Event")]
    [InlineData("issue_comment", null, RejectReasons.MissingField, "X-GitHub-Delivery")]
    [InlineData("issue_comment", "not a delivery id!", RejectReasons.InvalidField, "X-GitHub-Delivery")]
    public void Parse_SignedButWithoutItsHeaders_IsRejectedNamingTheHeader(string? gitHubEvent, string? deliveryId, string reason, string header)
    {
        var body = Encoding.UTF8.GetBytes(GitHubPayloads.IssueComment(Pr, 82, "lee", "hi").ToJsonString());
        var envelope = new GitHubEnvelope(gitHubEvent, deliveryId, GitHubSignature.Sign(Secret, body), body);

        var rejected = Assert.IsType<RejectedMessage>(Parser.Parse(Encoding.UTF8.GetString(envelope.ToJson())));

        Assert.Equal(reason, rejected.Reason);
        Assert.Contains(header, rejected.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"action\": \"submitted\"", RejectReasons.MalformedJson, "not valid JSON")]
    [InlineData("[1, 2]", RejectReasons.UnknownShape, "not a JSON object")]
    [InlineData("{\"action\": \"submitted\", \"review\": {\"state\": \"approved\"}, \"pull_request\": {\"number\": 7}}", RejectReasons.MissingField, "payload.review.id")]
    [InlineData("{\"action\": \"submitted\", \"review\": {\"id\": \"x\", \"state\": \"approved\"}, \"pull_request\": {\"number\": 7}}", RejectReasons.InvalidField, "payload.review.id")]
    public void Parse_SignedButMalformedPayload_IsRejectedNamingTheField(string payload, string reason, string detail)
    {
        var body = Encoding.UTF8.GetBytes(payload);
        var envelope = new GitHubEnvelope("pull_request_review", "d-6", GitHubSignature.Sign(Secret, body), body);

        var rejected = Assert.IsType<RejectedMessage>(Parser.Parse(Encoding.UTF8.GetString(envelope.ToJson())));

        Assert.Equal(reason, rejected.Reason);
        Assert.Contains(detail, rejected.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void DeliveryKey_IsTheDeliveryIdOnlyWhenTheSignatureHolds()
    {
        var signed = GitHubDeliveries.Message("ping", GitHubPayloads.Ping("acme/pay"), DateTimeOffset.UnixEpoch, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        var forged = GitHubDeliveries.Message("ping", GitHubPayloads.Ping("acme/pay"), DateTimeOffset.UnixEpoch, "72d3162e-cc78-11e3-81ab-4c9367dc0958", Signing.WrongSecret);

        Assert.Equal("github-delivery:72d3162e-cc78-11e3-81ab-4c9367dc0958", signed.MessageId);
        Assert.StartsWith("sha256:", forged.MessageId, StringComparison.Ordinal);
    }

    private static GitHubDelivery Parse(string gitHubEvent, JsonObject payload) =>
        Assert.IsType<GitHubDelivery>(Parser.Parse(GitHubDeliveries.Message(gitHubEvent, payload, DateTimeOffset.UnixEpoch, "d-" + gitHubEvent).Body));
}
