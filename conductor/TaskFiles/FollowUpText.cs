using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AgentConductor.Conductor.Intake.GitHub;
using AgentConductor.Conductor.Jobs;

namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// A follow-up's comments for its task files: numbered plain text for the data block of TASK.md, and the
/// <c>followUp</c> object of <c>job.json</c> with what the worker needs to reply to each (its kind and id).
/// </summary>
internal static class FollowUpText
{
    public static void Append(StringBuilder text, FollowUpDetails followUp, Func<string?, string> cut)
    {
        text.Append("Pull request: ").AppendLine(followUp.PullRequestUrl)
            .Append("Branch: ").AppendLine(followUp.Branch);
        for (var i = 0; i < followUp.Comments.Count; i++)
        {
            var c = followUp.Comments[i];
            text.AppendLine()
                .Append(CultureInfo.InvariantCulture, $"[{i + 1}] {Describe(c.Kind)} {c.GitHubId}")
                .Append(c.Author is null ? "" : $" by {c.Author}")
                .Append(c.AuthorAssociation is null ? "" : $" ({c.AuthorAssociation})")
                .AppendLine(c.CreatedAt is { } at ? " at " + at.ToString("O", CultureInfo.InvariantCulture) : "");
            if (c.Kind == GitHubEvents.ReviewKind && c.State is { } state)
            {
                text.Append("Review state: ").AppendLine(state);
            }

            if (c.Path is { } path)
            {
                text.Append("File: ").Append(path).AppendLine(Lines(c) is { } lines ? ", " + lines : "");
            }

            if (c.Url is { } url)
            {
                text.Append("Link: ").AppendLine(url);
            }

            if (c.DiffHunk is { } hunk)
            {
                text.AppendLine("Diff context:").AppendLine(cut(hunk));
            }

            text.AppendLine("Text:").AppendLine(string.IsNullOrWhiteSpace(c.Body) ? "(empty)" : cut(c.Body));
        }
    }

    public static JsonObject Json(FollowUpDetails followUp, Func<string?, string> cut) => new()
    {
        ["parentJobId"] = followUp.ParentJobId,
        ["sequence"] = followUp.Sequence,
        ["pullRequest"] = new JsonObject
        {
            ["number"] = followUp.PullRequestNumber,
            ["url"] = followUp.PullRequestUrl,
            ["repository"] = PullRequestUrls.Parse(followUp.PullRequestUrl)?.Repository,
            ["headBranch"] = followUp.Branch,
            ["baseBranch"] = followUp.BaseBranch,
        },
        ["comments"] = new JsonArray([.. followUp.Comments.Select((c, i) => (JsonNode?)new JsonObject
        {
            ["number"] = i + 1,
            ["kind"] = c.Kind,
            ["id"] = c.GitHubId,
            ["reviewId"] = c.ReviewId,
            ["replyVia"] = c.Kind == GitHubEvents.ReviewCommentKind ? "review_thread" : "pull_request_comment",
            ["author"] = c.Author,
            ["authorAssociation"] = c.AuthorAssociation,
            ["state"] = c.State,
            ["path"] = c.Path,
            ["line"] = c.Line,
            ["startLine"] = c.StartLine,
            ["commitId"] = c.CommitId,
            ["url"] = c.Url,
            ["createdAt"] = c.CreatedAt?.ToString("O", CultureInfo.InvariantCulture),
            ["body"] = cut(c.Body),
        })]),
    };

    private static string Describe(string kind) => kind switch
    {
        GitHubEvents.ReviewKind => "Review",
        GitHubEvents.ReviewCommentKind => "Review comment",
        GitHubEvents.IssueCommentKind => "Pull request comment",
        GitHubEvents.CheckSuiteKind => "Failed check suite",
        _ => kind,
    };

    private static string? Lines(FollowUpComment c) => (c.StartLine, c.Line) switch
    {
        ({ } start, { } end) when start != end => $"lines {start}-{end}",
        (_, { } line) => $"line {line}",
        _ => null,
    };
}
