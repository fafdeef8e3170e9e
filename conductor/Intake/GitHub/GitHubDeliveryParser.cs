using System.Text.Json;

namespace AgentConductor.Conductor.Intake.GitHub;

/// <summary>
/// Reads a <see cref="GitHubEnvelope"/>: checks the signature over the body's bytes first (a delivery that fails is
/// rejected as <c>no_secret</c>, <c>unsigned</c> or <c>bad_signature</c> and nothing in it is read), then the delivery's
/// headers and the payload fields of the events the follow-up rules use. Other events are kept with their headers only.
/// </summary>
internal static class GitHubDeliveryParser
{
    public static ParsedMessage Parse(JsonElement root, string? secret, JsonDocumentOptions jsonOptions)
    {
        var envelope = GitHubEnvelope.Read(root);
        var signature = GitHubSignature.Check(secret, envelope.Signature, envelope.Body);
        if (!signature.IsValid)
        {
            return new RejectedMessage(MessageFormat.GitHubWebhook, signature.RejectReason, $"Not accepted: {signature.Detail}.");
        }

        if (string.IsNullOrWhiteSpace(envelope.Event))
        {
            return Reject(RejectReasons.MissingField, $"The {GitHubEnvelope.EventHeader} header is missing.");
        }

        if (!GitHubEnvelope.IsValidDeliveryId(envelope.DeliveryId))
        {
            return envelope.DeliveryId is null
                ? Reject(RejectReasons.MissingField, $"The {GitHubEnvelope.DeliveryHeader} header is missing.")
                : Reject(RejectReasons.InvalidField, $"The {GitHubEnvelope.DeliveryHeader} header {JsonFieldReader.Quote(envelope.DeliveryId)} is not a delivery id (letters, digits, '.', '-', '_', at most {GitHubEnvelope.MaxDeliveryIdLength}).");
        }

        JsonDocument payload;
        try
        {
            payload = JsonDocument.Parse(envelope.Body, jsonOptions);
        }
        catch (JsonException ex)
        {
            return Reject(RejectReasons.MalformedJson, $"The signed GitHub payload is not valid JSON{MessageParser.Explain(ex)}");
        }

        using (payload)
        {
            if (payload.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Reject(RejectReasons.UnknownShape, $"The GitHub payload is {JsonFieldReader.Describe(payload.RootElement)}, not a JSON object.");
            }

            return Read(envelope.Event.Trim(), envelope.DeliveryId!, new JsonFieldReader(payload.RootElement, MessageFormat.GitHubWebhook, "payload"));
        }
    }

    private static GitHubDelivery Read(string gitHubEvent, string deliveryId, JsonFieldReader payload)
    {
        var action = payload.OptionalString("action");
        var delivery = new GitHubDelivery(deliveryId, gitHubEvent, action, payload.OptionalString("repository.full_name"), Actor(payload.OptionalObject("sender")), null);
        return gitHubEvent switch
        {
            GitHubEvents.PullRequestReview when action == "submitted" => Review(delivery, payload),
            GitHubEvents.PullRequestReviewComment when action == "created" => ReviewComment(delivery, payload),
            GitHubEvents.IssueComment when action == "created" => IssueComment(delivery, payload),
            GitHubEvents.CheckSuite when action == "completed" => CheckSuite(delivery, payload),
            _ => delivery,
        };
    }

    private static GitHubDelivery Review(GitHubDelivery delivery, JsonFieldReader payload)
    {
        var review = payload.RequiredObject("review");
        var id = RequiredLong(review, "id");
        var comment = new GitHubComment(
            GitHubEvents.ReviewKind, id, id, Actor(review.OptionalObject("user")), review.OptionalString("author_association"),
            review.RequiredString("state"), review.OptionalString("body"), review.OptionalString("html_url"), review.OptionalTimestamp("submitted_at"))
        {
            CommitId = review.OptionalString("commit_id"),
        };
        return delivery with { PullRequest = PullRequest(payload.RequiredObject("pull_request")), Comment = comment, EventTime = comment.CreatedAt };
    }

    private static GitHubDelivery ReviewComment(GitHubDelivery delivery, JsonFieldReader payload)
    {
        var c = payload.RequiredObject("comment");
        var comment = new GitHubComment(
            GitHubEvents.ReviewCommentKind, RequiredLong(c, "id"), OptionalLong(c, "pull_request_review_id"), Actor(c.OptionalObject("user")),
            c.OptionalString("author_association"), null, c.OptionalString("body"), c.OptionalString("html_url"), c.OptionalTimestamp("created_at"))
        {
            Path = c.OptionalString("path"),
            Line = OptionalInt(c, "line") ?? OptionalInt(c, "original_line"),
            StartLine = OptionalInt(c, "start_line") ?? OptionalInt(c, "original_start_line"),
            DiffHunk = c.OptionalString("diff_hunk"),
            CommitId = c.OptionalString("commit_id"),
        };
        return delivery with { PullRequest = PullRequest(payload.RequiredObject("pull_request")), Comment = comment, EventTime = comment.CreatedAt };
    }

    private static GitHubDelivery IssueComment(GitHubDelivery delivery, JsonFieldReader payload)
    {
        var issue = payload.RequiredObject("issue");
        var c = payload.RequiredObject("comment");
        var comment = new GitHubComment(
            GitHubEvents.IssueCommentKind, RequiredLong(c, "id"), null, Actor(c.OptionalObject("user")), c.OptionalString("author_association"),
            null, c.OptionalString("body"), c.OptionalString("html_url"), c.OptionalTimestamp("created_at"));

        // An issue comment is on a pull request only when the issue carries a pull_request object.
        var pullRequest = issue.OptionalObject("pull_request") is { } pr
            ? new GitHubPullRequest(OptionalInt(issue, "number") ?? throw issue.Missing("number"), pr.OptionalString("html_url") ?? issue.OptionalString("html_url"), issue.OptionalString("state"), null, null)
            : null;
        return delivery with { PullRequest = pullRequest, Comment = comment, EventTime = comment.CreatedAt };
    }

    private static GitHubDelivery CheckSuite(GitHubDelivery delivery, JsonFieldReader payload)
    {
        var suite = payload.RequiredObject("check_suite");
        var conclusion = suite.OptionalString("conclusion");
        var app = suite.OptionalString("app.name") ?? suite.OptionalString("app.slug") ?? "a check";
        var sha = suite.OptionalString("head_sha");
        var pullRequests = suite.OptionalArray("pull_requests");
        var first = pullRequests.Count > 0 ? suite.Element("pull_requests", 0, pullRequests[0]) : null;
        var comment = new GitHubComment(
            GitHubEvents.CheckSuiteKind, RequiredLong(suite, "id"), null, new GitHubActor(app, IsBot: true), null, conclusion,
            $"The check suite of {app} concluded '{conclusion}' on commit {sha}.", suite.OptionalString("url"), suite.OptionalTimestamp("updated_at"))
        {
            CommitId = sha,
        };
        var pullRequest = new GitHubPullRequest(
            first is null ? null : OptionalInt(first, "number"), null, null, suite.OptionalString("head_branch"), first?.OptionalString("base.ref"));
        return delivery with { PullRequest = pullRequest, Comment = comment, EventTime = comment.CreatedAt };
    }

    private static GitHubPullRequest PullRequest(JsonFieldReader pr) =>
        new(OptionalInt(pr, "number") ?? throw pr.Missing("number"), pr.OptionalString("html_url"), pr.OptionalString("state"), pr.OptionalString("head.ref"), pr.OptionalString("base.ref"));

    private static GitHubActor? Actor(JsonFieldReader? user) =>
        user?.OptionalString("login") is { } login
            ? new GitHubActor(login, string.Equals(user.OptionalString("type"), "Bot", StringComparison.OrdinalIgnoreCase))
            : null;

    private static long RequiredLong(JsonFieldReader reader, string path) => OptionalLong(reader, path) ?? throw reader.Missing(path);

    private static long? OptionalLong(JsonFieldReader reader, string path)
    {
        if (!reader.TryGetValue(path, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= 0
            ? number
            : throw reader.Invalid(path, $"must be a whole number of zero or more but was {Shown(value)}");
    }

    private static int? OptionalInt(JsonFieldReader reader, string path) =>
        OptionalLong(reader, path) is { } number
            ? number <= int.MaxValue ? (int)number : throw reader.Invalid(path, $"must be at most {int.MaxValue} but was {number}")
            : null;

    private static string Shown(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? JsonFieldReader.Quote(value.GetRawText()) : JsonFieldReader.Describe(value);

    private static RejectedMessage Reject(string reason, string detail) => new(MessageFormat.GitHubWebhook, reason, detail);
}
