using System.Text.RegularExpressions;

namespace AgentConductor.Conductor.Secrets;

/// <summary>
/// Token shapes masked whether or not the conductor holds the value, the same families the worker masks: GitHub tokens
/// (<c>ghp_</c>, <c>gho_</c>, <c>ghu_</c>, <c>ghs_</c>, <c>ghr_</c>, <c>github_pat_</c>), AWS access key ids (<c>AKIA</c>,
/// <c>ASIA</c>) and OpenAI keys (<c>sk-</c>, <c>sk-proj-</c> ...). An OpenAI-shaped run must hold an upper-case letter and a
/// digit, so a lower-case slug such as a branch name <c>sk-learn-upgrade-for-the-pipeline</c> is left alone.
/// </summary>
internal static partial class SecretShapes
{
    public static string Mask(string text) =>
        text.Length < 16 || !Candidate().IsMatch(text) ? text : Token().Replace(text, SecretRegistry.Replacement);

    /// <summary>A cheap first look: does any prefix appear at all?</summary>
    [GeneratedRegex("gh[pousr]_|github_pat_|AKIA|ASIA|sk-")]
    private static partial Regex Candidate();

    [GeneratedRegex(
        """
        (?<![A-Za-z0-9_])
        (?:
            gh[pousr]_[A-Za-z0-9]{20,}
          | github_pat_[A-Za-z0-9_]{20,}
          | (?:AKIA|ASIA)[A-Z0-9]{16}
          | sk-(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}
        )
        (?![A-Za-z0-9_])
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
