using System.Text;
using System.Text.RegularExpressions;
using AgentConductor.Worker.GitHub;

namespace AgentConductor.Worker.FollowUps;

/// <summary>
/// The texts the worker posts on the pull request. The agent's words are its summary (masked before they get here) and
/// are posted as they are, except that <c>@mentions</c> are defused: the agent must not notify people or teams, nor send
/// itself back by writing its own handle. Each text stays under GitHub's comment limit.
/// </summary>
internal static partial class ReplyText
{
    public const int GitHubMaxLength = 65_536;

    private const int MaxAnswerLength = 16_000;

    /// <summary>The reply in a review comment's thread that points to the one comment answering every item.</summary>
    public static string PointingTo(Uri answer, string footer) => Cut($"Answered with the other items of this follow-up in [this comment]({answer.AbsoluteUri}).\n\n{footer}");

    /// <summary>The one comment answering every item when the agent's summary answers none by its number: the items, then the summary.</summary>
    public static string Whole(IEnumerable<Proto.V1.ReviewComment> items, string summary, string footer)
    {
        var text = new StringBuilder("This follow-up answers:\n\n");
        foreach (var item in items)
        {
            text.Append("- **[").Append(item.Number).Append("]** ").Append(Describe(item)).Append('\n');
        }

        return Cut(text.Append('\n').Append(Quote(Defuse(summary))).Append("\n\n").Append(footer).ToString());
    }

    /// <summary>The reply in a review comment's thread: the agent's answer to it, and what was pushed.</summary>
    public static string ForThread(string answer, string footer) =>
        Cut($"{Defuse(answer)}\n\n{footer}");

    /// <summary>
    /// One comment on the pull request answering every item that has no thread of its own (reviews, conversation comments,
    /// failed checks, and review comments whose thread could not take a reply), each quoted by its author and link.
    /// </summary>
    public static string ForConversation(IEnumerable<(Proto.V1.ReviewComment Item, string Answer)> answers, string footer)
    {
        var text = new StringBuilder();
        foreach (var (item, answer) in answers)
        {
            text.Append("**[").Append(item.Number).Append("]** ").Append(Describe(item)).Append("\n\n")
                .Append(Quote(Defuse(answer))).Append("\n\n");
        }

        return Cut(text.Append(footer).ToString());
    }

    /// <summary>The line under every reply: the commit pushed (or that nothing was), the follow-up and the job.</summary>
    public static string Footer(string? pushedCommit, int sequence, string jobId) =>
        $"<sub>{(pushedCommit is { Length: >= 7 } commit ? $"Pushed in {commit[..Math.Min(12, commit.Length)]}" : "No new commits")} · "
        + $"follow-up {sequence} by Agent Conductor · job `{SafeText.OneLine(jobId).Replace("`", "", StringComparison.Ordinal)}`</sub>";

    /// <summary>An <c>@</c> that would mention someone gets a zero-width space after it: shown the same, notifies nobody.</summary>
    public static string Defuse(string text) => Mention().Replace(SafeText.ReplaceLoneSurrogates(text), "@\u200B");

    private static string Describe(Proto.V1.ReviewComment item)
    {
        var what = item.Kind switch
        {
            Proto.V1.ReviewCommentKind.Review => "review",
            Proto.V1.ReviewCommentKind.ReviewComment => $"comment on {SafeText.OneLine(item.Path)}" + (item.Line > 0 ? $" line {item.Line}" : ""),
            Proto.V1.ReviewCommentKind.CheckSuite => "failed check suite",
            _ => "comment",
        };
        var by = item.Author.Length > 0 ? $" by {Defuse(SafeText.OneLine(item.Author))}" : "";
        var link = Uri.TryCreate(item.Url, UriKind.Absolute, out var url) && url.Scheme is "https" or "http" ? $" ([link]({url.AbsoluteUri}))" : "";
        return what + by + link;
    }

    private static string Quote(string text) =>
        string.Join('\n', SafeText.TruncateWithEllipsis(text.Trim(), MaxAnswerLength).Split('\n').Select(line => "> " + line));

    private static string Cut(string text) => SafeText.TruncateWithEllipsis(text, GitHubMaxLength);

    // "@" at a word start followed by what a login or team can start with.
    [GeneratedRegex(@"(?<![\w`])@(?=[A-Za-z0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Mention();
}
