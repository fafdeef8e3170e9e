using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// The fake's comment endpoints, answering as GitHub does: <c>POST /repos/{o}/{r}/pulls/{n}/comments</c> with
/// <c>in_reply_to</c> (how Octokit replies in a review comment's thread) and <c>POST /repos/{o}/{r}/issues/{n}/comments</c>,
/// and the two lists (<c>GET</c>, with <c>since</c>).
/// A pull request or comment that does not exist is 404; a missing, empty or too long body is 422 Validation Failed. A
/// request field the fake does not take (creating a new line comment needs <c>commit_id</c>, <c>path</c> ...: the worker
/// never does that) is a strict-check failure (400).
/// </summary>
internal sealed class FakeGitHubCommentEndpoints(FakeGitHubServer server)
{
    public const int MaxBodyLength = 65_536;

    public (int Status, JsonNode Answer) Reply(string owner, string repo, int number, JsonObject json)
    {
        if (json.Select(p => p.Key).FirstOrDefault(k => k is not ("body" or "in_reply_to")) is { } field)
        {
            return (400, FakeGitHubJson.Message($"unexpected field '{field}' (the fake only takes replies: body and in_reply_to)"));
        }

        if (json["in_reply_to"] is not { } target || target.GetValueKind() != JsonValueKind.Number || !target.AsValue().TryGetValue<long>(out var inReplyTo))
        {
            return (400, FakeGitHubJson.Message("in_reply_to must be a comment id (an integer)"));
        }

        if (Body(json, "PullRequestReviewComment") is { } refused)
        {
            return refused;
        }

        lock (server.Gate)
        {
            if (!server.Store.Any(p => p.Owner == owner && p.Repo == repo && p.Number == number))
            {
                return (404, FakeGitHubJson.Message("Not Found"));
            }

            if (server.ReviewCommentStore.FirstOrDefault(c => c.Owner == owner && c.Repo == repo && c.PullRequestNumber == number && c.Id == inReplyTo) is not { } original)
            {
                return (404, FakeGitHubJson.Message("Not Found"));
            }

            var reply = new FakeReviewComment
            {
                Id = server.NextCommentId(), Owner = owner, Repo = repo, PullRequestNumber = number, Path = original.Path, Line = original.Line,
                Body = json["body"]!.GetValue<string>(), Author = server.CommentAuthor, InReplyToId = original.InReplyToId ?? original.Id,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            server.ReviewCommentStore.Add(reply);
            return (201, FakeGitHubJson.ReviewComment(reply));
        }
    }

    public (int Status, JsonNode Answer) Comment(string owner, string repo, int number, JsonObject json)
    {
        if (json.Select(p => p.Key).FirstOrDefault(k => k != "body") is { } field)
        {
            return (400, FakeGitHubJson.Message($"unexpected field '{field}'"));
        }

        if (Body(json, "IssueComment") is { } refused)
        {
            return refused;
        }

        lock (server.Gate)
        {
            // The fake's issues are its pull requests (a pull request's number is its issue number).
            if (!server.Store.Any(p => p.Owner == owner && p.Repo == repo && p.Number == number))
            {
                return (404, FakeGitHubJson.Message("Not Found"));
            }

            var comment = new FakeIssueComment
            {
                Id = server.NextCommentId(), Owner = owner, Repo = repo, Number = number, Body = json["body"]!.GetValue<string>(), Author = server.CommentAuthor,
                CreatedAt = DateTimeOffset.UtcNow,
            };
            server.IssueCommentStore.Add(comment);
            return (201, FakeGitHubJson.IssueComment(comment));
        }
    }

    /// <summary><c>GET /repos/{o}/{r}/issues/{n}/comments</c>: the pull request's conversation comments written since <paramref name="since"/>, oldest first.</summary>
    public (int Status, JsonNode Answer) ListIssueComments(string owner, string repo, int number, DateTimeOffset? since) =>
        List(owner, repo, number, () => server.IssueCommentStore
            .Where(c => c.Owner == owner && c.Repo == repo && c.Number == number && (since is null || c.CreatedAt >= since))
            .Select(FakeGitHubJson.IssueComment));

    /// <summary><c>GET /repos/{o}/{r}/pulls/{n}/comments</c>: the pull request's review comments and replies written since <paramref name="since"/>, oldest first.</summary>
    public (int Status, JsonNode Answer) ListReviewComments(string owner, string repo, int number, DateTimeOffset? since) =>
        List(owner, repo, number, () => server.ReviewCommentStore
            .Where(c => c.Owner == owner && c.Repo == repo && c.PullRequestNumber == number && (since is null || c.CreatedAt >= since))
            .Select(FakeGitHubJson.ReviewComment));

    /// <summary>A first page of at most 100 comments of an existing pull request; 404 for one that does not exist.</summary>
    private (int Status, JsonNode Answer) List(string owner, string repo, int number, Func<IEnumerable<JsonObject>> comments)
    {
        lock (server.Gate)
        {
            return server.Store.Any(p => p.Owner == owner && p.Repo == repo && p.Number == number)
                ? (200, new JsonArray([.. comments().Take(100)]))
                : (404, FakeGitHubJson.Message("Not Found"));
        }
    }

    /// <summary>Null when the body is a non-empty string within GitHub's limit; else GitHub's answer (400 for a non-string is a strict failure).</summary>
    private static (int Status, JsonNode Answer)? Body(JsonObject json, string resource) => json["body"] switch
    {
        null => (422, FakeGitHubJson.Validation(resource, "body", "missing_field")),
        var node when node.GetValueKind() != JsonValueKind.String => (400, FakeGitHubJson.Message("body must be a string")),
        var node when string.IsNullOrWhiteSpace(node.GetValue<string>()) => (422, FakeGitHubJson.Validation(resource, "body", "missing_field")),
        var node when node.GetValue<string>().Length > MaxBodyLength => (422, FakeGitHubJson.Validation(resource, "body", "custom", $"body is too long (maximum is {MaxBodyLength} characters)")),
        _ => null,
    };
}
