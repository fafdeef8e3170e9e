using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>The fake's JSON documents, shaped like GitHub's.</summary>
internal static class FakeGitHubJson
{
    public static JsonObject PullRequest(FakePullRequest pr) => new()
    {
        ["id"] = 1000 + pr.Number,
        ["number"] = pr.Number,
        ["state"] = pr.State,
        ["title"] = pr.Title,
        ["body"] = pr.Body,
        ["draft"] = pr.Draft,
        ["html_url"] = pr.HtmlUrl,
        ["url"] = $"https://api.github.test/repos/{pr.Owner}/{pr.Repo}/pulls/{pr.Number}",
        ["head"] = new JsonObject { ["ref"] = pr.HeadRef, ["label"] = $"{pr.HeadOwner}:{pr.HeadRef}" },
        ["base"] = new JsonObject { ["ref"] = pr.BaseRef, ["label"] = $"{pr.Owner}:{pr.BaseRef}" },
    };

    public static JsonObject ReviewComment(FakeReviewComment c) => new()
    {
        ["id"] = c.Id,
        ["node_id"] = $"PRRC_{c.Id}",
        ["path"] = c.Path,
        ["line"] = c.Line,
        ["body"] = c.Body,
        ["in_reply_to_id"] = c.InReplyToId,
        ["user"] = new JsonObject { ["login"] = c.Author, ["type"] = c.Author.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User" },
        ["html_url"] = c.HtmlUrl,
        ["url"] = $"https://api.github.test/repos/{c.Owner}/{c.Repo}/pulls/comments/{c.Id}",
        ["pull_request_url"] = $"https://api.github.test/repos/{c.Owner}/{c.Repo}/pulls/{c.PullRequestNumber}",
        ["created_at"] = Timestamp(c.CreatedAt),
        ["updated_at"] = Timestamp(c.CreatedAt),
    };

    public static JsonObject IssueComment(FakeIssueComment c) => new()
    {
        ["id"] = c.Id,
        ["node_id"] = $"IC_{c.Id}",
        ["body"] = c.Body,
        ["user"] = new JsonObject { ["login"] = c.Author, ["type"] = c.Author.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User" },
        ["html_url"] = c.HtmlUrl,
        ["url"] = $"https://api.github.test/repos/{c.Owner}/{c.Repo}/issues/comments/{c.Id}",
        ["issue_url"] = $"https://api.github.test/repos/{c.Owner}/{c.Repo}/issues/{c.Number}",
        ["created_at"] = Timestamp(c.CreatedAt),
        ["updated_at"] = Timestamp(c.CreatedAt),
        ["author_association"] = "NONE",
    };

    public static JsonObject Message(string message) => new() { ["message"] = message };

    private static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static JsonObject Validation(string resource, string? field, string code, string? message = null)
    {
        var error = new JsonObject { ["resource"] = resource, ["code"] = code };
        if (field is not null)
        {
            error["field"] = field;
        }

        if (message is not null)
        {
            error["message"] = message;
        }

        return new JsonObject
        {
            ["message"] = "Validation Failed",
            ["errors"] = new JsonArray(error),
            ["documentation_url"] = "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
        };
    }

    public static async Task WriteAsync(HttpContext context, int status, string body, IReadOnlyDictionary<string, string>? headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(body, context.RequestAborted);
    }
}
