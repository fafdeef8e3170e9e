using System.Globalization;
using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.GitHubWebhooks;

/// <summary>
/// A pull request as GitHub's webhook payloads describe it. <see cref="HtmlUrl"/> is what a job's worker reports.
/// </summary>
internal sealed record PullRequestRef(string Repository, int Number, string HeadRef, string BaseRef = "main", string State = "open", string Host = "https://github.com")
{
    public string HtmlUrl => $"{Host}/{Repository}/pull/{Number}";

    public string ApiUrl => $"https://api.github.com/repos/{Repository}/pulls/{Number}";
}

/// <summary>
/// Webhook payloads in the shape GitHub sends them (the fields the conductor reads and the usual ones around them), for
/// the events follow-ups use. Logins ending in <c>[bot]</c> are bots.
/// </summary>
internal static class GitHubPayloads
{
    public static JsonObject Review(PullRequestRef pr, long reviewId, string reviewer, string state, string? body = null, string association = "MEMBER", DateTimeOffset? at = null) => new()
    {
        ["action"] = "submitted",
        ["review"] = new JsonObject
        {
            ["id"] = reviewId,
            ["node_id"] = "PRR_" + reviewId.ToString(CultureInfo.InvariantCulture),
            ["user"] = User(reviewer),
            ["body"] = body,
            ["commit_id"] = "5d1b7c0a8f3e4b2d9c6a1e0f7b8d2c4a6e9f1b3d",
            ["submitted_at"] = Time(at),
            ["state"] = state,
            ["html_url"] = $"{pr.HtmlUrl}#pullrequestreview-{reviewId}",
            ["pull_request_url"] = pr.ApiUrl,
            ["author_association"] = association,
        },
        ["pull_request"] = PullRequest(pr),
        ["repository"] = Repository(pr.Repository),
        ["sender"] = User(reviewer),
    };

    public static JsonObject ReviewComment(
        PullRequestRef pr, long commentId, long reviewId, string author, string body, string path = "src/Payments/Refunds.cs", int line = 42,
        string association = "MEMBER", DateTimeOffset? at = null) => new()
    {
        ["action"] = "created",
        ["comment"] = new JsonObject
        {
            ["url"] = $"https://api.github.com/repos/{pr.Repository}/pulls/comments/{commentId}",
            ["pull_request_review_id"] = reviewId,
            ["id"] = commentId,
            ["diff_hunk"] = "@@ -40,6 +40,8 @@ public sealed class Refunds\n     public decimal Total(Order order)\n+        var total = order.Lines.Sum(l => l.Amount);",
            ["path"] = path,
            ["commit_id"] = "5d1b7c0a8f3e4b2d9c6a1e0f7b8d2c4a6e9f1b3d",
            ["original_commit_id"] = "5d1b7c0a8f3e4b2d9c6a1e0f7b8d2c4a6e9f1b3d",
            ["user"] = User(author),
            ["body"] = body,
            ["created_at"] = Time(at),
            ["updated_at"] = Time(at),
            ["html_url"] = $"{pr.HtmlUrl}#discussion_r{commentId}",
            ["pull_request_url"] = pr.ApiUrl,
            ["author_association"] = association,
            ["start_line"] = null,
            ["original_start_line"] = null,
            ["line"] = line,
            ["original_line"] = line,
            ["side"] = "RIGHT",
        },
        ["pull_request"] = PullRequest(pr),
        ["repository"] = Repository(pr.Repository),
        ["sender"] = User(author),
    };

    public static JsonObject IssueComment(PullRequestRef pr, long commentId, string author, string body, string association = "MEMBER", DateTimeOffset? at = null, bool onPullRequest = true) => new()
    {
        ["action"] = "created",
        ["issue"] = new JsonObject
        {
            ["url"] = $"https://api.github.com/repos/{pr.Repository}/issues/{pr.Number}",
            ["html_url"] = onPullRequest ? pr.HtmlUrl : $"https://github.com/{pr.Repository}/issues/{pr.Number}",
            ["number"] = pr.Number,
            ["title"] = "Fix refund rounding",
            ["user"] = User("agent-conductor[bot]"),
            ["state"] = pr.State,
            ["pull_request"] = onPullRequest
                ? new JsonObject { ["url"] = pr.ApiUrl, ["html_url"] = pr.HtmlUrl, ["diff_url"] = pr.HtmlUrl + ".diff", ["patch_url"] = pr.HtmlUrl + ".patch", ["merged_at"] = null }
                : null,
        },
        ["comment"] = new JsonObject
        {
            ["url"] = $"https://api.github.com/repos/{pr.Repository}/issues/comments/{commentId}",
            ["html_url"] = $"{pr.HtmlUrl}#issuecomment-{commentId}",
            ["id"] = commentId,
            ["user"] = User(author),
            ["created_at"] = Time(at),
            ["updated_at"] = Time(at),
            ["author_association"] = association,
            ["body"] = body,
        },
        ["repository"] = Repository(pr.Repository),
        ["sender"] = User(author),
    };

    public static JsonObject CheckSuite(PullRequestRef pr, long suiteId, string conclusion, string app = "GitHub Actions", DateTimeOffset? at = null) => new()
    {
        ["action"] = "completed",
        ["check_suite"] = new JsonObject
        {
            ["id"] = suiteId,
            ["head_branch"] = pr.HeadRef,
            ["head_sha"] = "5d1b7c0a8f3e4b2d9c6a1e0f7b8d2c4a6e9f1b3d",
            ["status"] = "completed",
            ["conclusion"] = conclusion,
            ["url"] = $"https://api.github.com/repos/{pr.Repository}/check-suites/{suiteId}",
            ["pull_requests"] = new JsonArray(new JsonObject
            {
                ["url"] = pr.ApiUrl,
                ["id"] = 1_000_000 + pr.Number,
                ["number"] = pr.Number,
                ["head"] = new JsonObject { ["ref"] = pr.HeadRef, ["sha"] = "5d1b7c0a8f3e4b2d9c6a1e0f7b8d2c4a6e9f1b3d" },
                ["base"] = new JsonObject { ["ref"] = pr.BaseRef, ["sha"] = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b" },
            }),
            ["app"] = new JsonObject { ["id"] = 15368, ["slug"] = "github-actions", ["name"] = app },
            ["created_at"] = Time(at),
            ["updated_at"] = Time(at),
        },
        ["repository"] = Repository(pr.Repository),
        ["sender"] = User("github-actions[bot]"),
    };

    public static JsonObject Ping(string repository) => new()
    {
        ["zen"] = "Design for failure.",
        ["hook_id"] = 482_213_907,
        ["hook"] = new JsonObject { ["type"] = "Repository", ["events"] = new JsonArray("pull_request_review", "pull_request_review_comment", "issue_comment", "check_suite") },
        ["repository"] = Repository(repository),
        ["sender"] = User("octo-admin"),
    };

    public static JsonObject User(string login) => new()
    {
        ["login"] = login,
        ["id"] = StableId(login) % 10_000_000,
        ["type"] = login.EndsWith("[bot]", StringComparison.Ordinal) ? "Bot" : "User",
        ["site_admin"] = false,
    };

    private static JsonObject PullRequest(PullRequestRef pr) => new()
    {
        ["url"] = pr.ApiUrl,
        ["id"] = 1_000_000 + pr.Number,
        ["html_url"] = pr.HtmlUrl,
        ["number"] = pr.Number,
        ["state"] = pr.State,
        ["title"] = "Fix refund rounding",
        ["user"] = User("agent-conductor[bot]"),
        ["head"] = new JsonObject
        {
            ["label"] = pr.Repository.Split('/')[0] + ":" + pr.HeadRef,
            ["ref"] = pr.HeadRef,
            ["sha"] = "5d1b7c0a8f3e4b2d9c6a1e0f7b8d2c4a6e9f1b3d",
            ["repo"] = Repository(pr.Repository),
        },
        ["base"] = new JsonObject
        {
            ["label"] = pr.Repository.Split('/')[0] + ":" + pr.BaseRef,
            ["ref"] = pr.BaseRef,
            ["sha"] = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
            ["repo"] = Repository(pr.Repository),
        },
    };

    private static JsonObject Repository(string fullName) => new()
    {
        ["id"] = StableId(fullName) % 100_000_000,
        ["name"] = fullName.Split('/')[1],
        ["full_name"] = fullName,
        ["private"] = true,
        ["owner"] = User(fullName.Split('/')[0]),
        ["html_url"] = "https://github.com/" + fullName,
        ["clone_url"] = $"https://github.com/{fullName}.git",
    };

    // string.GetHashCode differs between runs; payloads must not.
    private static long StableId(string text) => text.Aggregate(17L, (hash, c) => (hash * 31 + c) % 1_000_000_007);

    private static string Time(DateTimeOffset? at) =>
        (at ?? new DateTimeOffset(2026, 11, 2, 14, 0, 0, TimeSpan.Zero)).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
