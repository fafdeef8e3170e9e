using System.Text.RegularExpressions;

namespace AgentConductor.Worker.Secrets;

/// <summary>
/// The shapes of common credentials, masked whether or not the worker knows the value: the agent may find or print a
/// credential the worker never held (one left in the repository, one of the host). Defence in depth behind the values
/// the worker registers; never a reason to hand the agent a secret.
/// </summary>
internal static partial class SecretPatterns
{
    /// <summary>Masks every match in <paramref name="line"/>.</summary>
    public static string Mask(string line, string replacement)
    {
        line = GitHubToken().Replace(line, replacement);
        line = OpenAiKey().Replace(line, replacement);
        line = NamedAwsSecret().Replace(line, m => MaskGroup(m, "secret", replacement));
        if (AwsAccessKeyId().IsMatch(line))
        {
            // An access key id rarely travels alone: a 40-character secret on the same line is its pair.
            line = AwsAccessKeyId().Replace(line, replacement);
            line = FortyCharacterSecret().Replace(line, replacement);
        }

        return line;
    }

    private static string MaskGroup(Match match, string group, string replacement)
    {
        var start = match.Groups[group].Index - match.Index;
        return match.Value[..start] + replacement + match.Value[(start + match.Groups[group].Length)..];
    }

    /// <summary>Personal, OAuth, user-to-server, server-to-server and refresh tokens; fine-grained personal tokens.</summary>
    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255})\b", RegexOptions.CultureInvariant)]
    private static partial Regex GitHubToken();

    /// <summary>OpenAI keys: <c>sk-</c>, <c>sk-proj-</c>, <c>sk-svcacct-</c>, <c>sk-admin-</c>.</summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex OpenAiKey();

    /// <summary>AWS access key ids: long-term (<c>AKIA</c>) and temporary (<c>ASIA</c>).</summary>
    [GeneratedRegex(@"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b", RegexOptions.CultureInvariant)]
    private static partial Regex AwsAccessKeyId();

    /// <summary>A 40-character AWS secret after a name that says what it is (<c>aws_secret_access_key = ...</c>).</summary>
    [GeneratedRegex(@"(?i)aws[_\-.]?secret[_\-.]?(?:access[_\-.]?)?key[""']?\s*[:=]\s*[""']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])", RegexOptions.CultureInvariant)]
    private static partial Regex NamedAwsSecret();

    [GeneratedRegex(@"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])", RegexOptions.CultureInvariant)]
    private static partial Regex FortyCharacterSecret();
}
