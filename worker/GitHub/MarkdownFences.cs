namespace AgentConductor.Worker.GitHub;

/// <summary>Just enough CommonMark fence tracking to close a code block that a truncation left open.</summary>
internal static class MarkdownFences
{
    /// <summary>The line that closes the fenced block still open at the end of <paramref name="markdown"/>, or null.</summary>
    public static string? ClosingFence(string markdown)
    {
        string? open = null;
        foreach (var rawLine in markdown.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var indent = line.Length - line.TrimStart(' ').Length;
            if (indent > 3)
            {
                continue;
            }

            var fence = LeadingFence(line.TrimStart(' '));
            if (fence is null)
            {
                continue;
            }

            if (open is null)
            {
                open = fence;
            }
            else if (fence[0] == open[0] && fence.Length >= open.Length && line.Trim().Length == fence.Length)
            {
                open = null;
            }
        }

        return open;
    }

    /// <summary>A fence long enough to wrap <paramref name="content"/>: one backtick more than its longest run, at least three.</summary>
    public static string FenceFor(string content)
    {
        int longest = 0, run = 0;
        foreach (var c in content)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return new string('`', Math.Max(3, longest + 1));
    }

    private static string? LeadingFence(string line)
    {
        if (line.Length < 3 || (line[0] != '`' && line[0] != '~'))
        {
            return null;
        }

        var length = 0;
        while (length < line.Length && line[length] == line[0])
        {
            length++;
        }

        return length >= 3 ? line[..length] : null;
    }
}
