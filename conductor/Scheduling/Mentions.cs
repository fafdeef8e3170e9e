namespace AgentConductor.Conductor.Scheduling;

/// <summary>
/// Whether a comment mentions the handle as GitHub would notify it: the handle as a whole word (not part of an e-mail
/// address, a longer login or a team), outside quoted lines (<c>&gt; ...</c>) and outside code.
/// </summary>
internal static class Mentions
{
    public static bool Contains(string? body, string handle)
    {
        if (string.IsNullOrEmpty(body))
        {
            return false;
        }

        var inFence = false;
        foreach (var rawLine in body.Split('\n'))
        {
            var line = rawLine.TrimStart();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence || line.StartsWith('>') || rawLine.StartsWith("    ", StringComparison.Ordinal) || rawLine.StartsWith('\t'))
            {
                continue;
            }

            if (InLine(WithoutCodeSpans(line), handle))
            {
                return true;
            }
        }

        return false;
    }

    private static bool InLine(string line, string handle)
    {
        for (var at = line.IndexOf(handle, StringComparison.OrdinalIgnoreCase); at >= 0; at = line.IndexOf(handle, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + handle.Length;
            var startsWord = at == 0 || !(char.IsLetterOrDigit(line[at - 1]) || line[at - 1] is '_' or '-' or '.' or '/' or '@' or '`');
            var endsWord = end == line.Length || !(char.IsLetterOrDigit(line[end]) || line[end] is '-' or '_' or '/');
            if (startsWord && endsWord)
            {
                return true;
            }
        }

        return false;
    }

    private static string WithoutCodeSpans(string line)
    {
        if (!line.Contains('`', StringComparison.Ordinal))
        {
            return line;
        }

        var kept = new System.Text.StringBuilder(line.Length);
        var inCode = false;
        foreach (var c in line)
        {
            if (c == '`')
            {
                inCode = !inCode;
                kept.Append(' ');
            }
            else if (!inCode)
            {
                kept.Append(c);
            }
        }

        return kept.ToString();
    }
}
