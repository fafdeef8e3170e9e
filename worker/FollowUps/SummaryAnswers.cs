using System.Text.RegularExpressions;

namespace AgentConductor.Worker.FollowUps;

/// <summary>
/// The agent's answer to each numbered item, read from its summary: TASK.md asks it to answer item N in a paragraph or
/// list item that starts with <c>[N]</c>. An answer runs until the next such marker (or the end). The summary is the
/// agent's, so this only picks text out of it; nothing in it decides anything.
/// </summary>
internal static partial class SummaryAnswers
{
    /// <summary>Item number -> answer (trimmed, the marker left out); items the summary does not mark are missing.</summary>
    public static IReadOnlyDictionary<int, string> Parse(string? summary)
    {
        var answers = new Dictionary<int, string>();
        if (string.IsNullOrWhiteSpace(summary))
        {
            return answers;
        }

        var markers = Marker().Matches(summary).Where(m => int.TryParse(m.Groups["n"].ValueSpan, out var n) && n > 0).ToList();
        for (var i = 0; i < markers.Count; i++)
        {
            var number = int.Parse(markers[i].Groups["n"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            var start = markers[i].Index + markers[i].Length;
            var end = i + 1 < markers.Count ? markers[i + 1].Index : summary.Length;
            var text = summary[start..end].Trim();
            if (text.Length > 0)
            {
                answers[number] = answers.TryGetValue(number, out var earlier) ? $"{earlier}\n\n{text}" : text;
            }
        }

        return answers;
    }

    // At the start of a line, after optional list syntax ("- ", "* ", "1. ") and emphasis: "[3]" then the answer.
    [GeneratedRegex(@"^[ \t]*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+)?(?:\*\*|__)?\[(?<n>\d{1,4})\](?:\*\*|__)?:?[ \t]*", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Marker();
}
