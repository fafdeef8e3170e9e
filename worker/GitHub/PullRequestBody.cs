using System.Globalization;
using System.Text;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// Renders a pull request body: a warning first when the run was stopped at its budget, the summary, the commands run,
/// then a metadata footer (status, source link, job id linking to its page, token usage, cost). A body over GitHub's
/// 65,536-character limit loses the tail of its longest parts (summary, command list), never the warning or the footer,
/// gets a "truncated" note, and never ends inside a surrogate pair or an open code fence.
/// </summary>
internal static class PullRequestBody
{
    public const int GitHubMaxLength = 65_536;
    public const string TruncatedNote = "> **Note:** … truncated to fit GitHub's pull request size limit.";

    private const int MaxSourceTitleLength = 256;

    public static string Build(PullRequestBodyContent content, int maxLength = GitHubMaxLength)
    {
        var summary = SafeText.ReplaceLoneSurrogates(content.Summary.Trim());
        var commands = SafeText.ReplaceLoneSurrogates(string.Join('\n', content.Commands.Select(c => c.TrimEnd())));
        var fence = MarkdownFences.FenceFor(commands);
        var header = Header(content);
        var footer = Footer(content);

        var full = Compose(header, summary, commands, fence, footer, truncated: false);
        if (full.Length <= maxLength)
        {
            return full;
        }

        var budget = Math.Max(0, maxLength - Compose(header, "", commands.Length == 0 ? "" : "x", fence, footer, truncated: true).Length + 1);
        var (summaryShare, commandsShare) = Share(summary.Length, commands.Length, budget);
        while (true)
        {
            var body = Compose(header, TruncateMarkdown(summary, summaryShare), TruncateLines(commands, commandsShare), fence, footer, truncated: true);
            var overflow = body.Length - maxLength;
            if (overflow <= 0 || (summaryShare == 0 && commandsShare == 0))
            {
                return body;
            }

            // Closing a fence or marking a cut took a few chars more than the share; take them from the larger part.
            if (summaryShare >= commandsShare)
            {
                summaryShare = Math.Max(0, summaryShare - overflow);
            }
            else
            {
                commandsShare = Math.Max(0, commandsShare - overflow);
            }
        }
    }

    /// <summary>Splits <paramref name="budget"/> so the shorter part stays whole when it can and the longer part is cut first.</summary>
    internal static (int First, int Second) Share(int first, int second, int budget)
    {
        if (first + second <= budget)
        {
            return (first, second);
        }

        var half = budget / 2;
        if (first <= half)
        {
            return (first, budget - first);
        }

        return second <= half ? (budget - second, second) : (half, budget - half);
    }

    private static string TruncateMarkdown(string markdown, int maxLength)
    {
        if (markdown.Length <= maxLength)
        {
            return markdown;
        }

        var cut = SafeText.Truncate(markdown, maxLength - SafeText.Ellipsis.Length) + SafeText.Ellipsis;
        return MarkdownFences.ClosingFence(cut) is { } closing ? $"{cut}\n{closing}" : cut;
    }

    private static string TruncateLines(string lines, int maxLength)
    {
        if (lines.Length <= maxLength)
        {
            return lines;
        }

        var cut = SafeText.Truncate(lines, maxLength - 2);
        var lastNewline = cut.LastIndexOf('\n');
        return (lastNewline > 0 ? cut[..lastNewline] : cut) + "\n" + SafeText.Ellipsis;
    }

    private static string Compose(string header, string summary, string commands, string fence, string footer, bool truncated)
    {
        var body = new StringBuilder(header);
        body.Append(summary.Length == 0 ? "_The agent left no summary._" : summary).Append("\n\n");
        body.Append("### Checks and commands run\n\n");
        if (commands.Length == 0)
        {
            body.Append("_None recorded._\n\n");
        }
        else
        {
            body.Append(fence).Append("text\n").Append(commands).Append('\n').Append(fence).Append("\n\n");
        }

        if (truncated)
        {
            body.Append(TruncatedNote).Append("\n\n");
        }

        return body.Append(footer).ToString();
    }

    /// <summary>A run stopped at its budget says so before anything else: the changes are unfinished work.</summary>
    private static string Header(PullRequestBodyContent content) => content.Status == PullRequestBodyStatus.StoppedAtBudget
        ? $"> [!WARNING]\n> **The run stopped at its budget**{Reason(content)}. This pull request holds the agent's work until then: it may be unfinished.\n\n"
        : "";

    private static string Reason(PullRequestBodyContent content) =>
        content.BudgetStopReason is { Length: > 0 } reason ? $" ({Inline(reason, MaxSourceTitleLength)})" : "";

    private static string Inline(string text, int maxLength) =>
        SafeText.TruncateWithEllipsis(SafeText.OneLine(SafeText.ReplaceLoneSurrogates(text)), maxLength);

    private static string Footer(PullRequestBodyContent content)
    {
        var title = SafeText.TruncateWithEllipsis(SafeText.OneLine(SafeText.ReplaceLoneSurrogates(content.SourceTitle)), MaxSourceTitleLength);
        var source = content.SourceUrl is { IsAbsoluteUri: true, Scheme: "https" or "http" } url
            ? $"[{title.Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal)}]({url.AbsoluteUri})"
            : title;
        var tokens = string.Format(
            CultureInfo.InvariantCulture, "input {0:N0} · cached {1:N0} · output {2:N0}", content.InputTokens, content.CachedInputTokens, content.OutputTokens);
        var id = $"`{SafeText.OneLine(content.JobId).Replace("`", "", StringComparison.Ordinal)}`";
        var job = content.JobUrl is { IsAbsoluteUri: true, Scheme: "https" or "http" } page ? $"[{id}]({page.AbsoluteUri})" : id;
        var status = content.Status == PullRequestBodyStatus.StoppedAtBudget ? $"stopped at its budget{Reason(content)}" : "completed";
        var cost = content.Cost is { } usd
            ? $"{Budget.JobBudgetRules.Format(usd)} (estimated: tokens at the job's prices plus worker time)"
            : "unknown (no price for the job's model)";
        return $"---\n**Status:** {status}\n**Source:** {source}\n**Job:** {job}\n**Tokens:** {tokens}\n**Cost:** {cost}\n";
    }
}
