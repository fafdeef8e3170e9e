using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AgentConductor.Conductor.GitHub;

/// <summary>
/// The GitHub repository a clone URL names, by the worker's rules: <c>https://host/owner/repo(.git)</c>,
/// <c>git@host:owner/repo.git</c> or <c>ssh://git@host/owner/repo.git</c>.
/// </summary>
internal sealed partial record RepositoryName(string Owner, string Name)
{
    public static bool TryParse(string? cloneUrl, [NotNullWhen(true)] out RepositoryName? repository)
    {
        repository = null;
        if (string.IsNullOrWhiteSpace(cloneUrl))
        {
            return false;
        }

        var text = cloneUrl.Trim();
        string path;
        if (ScpLike().Match(text) is { Success: true } scp)
        {
            path = scp.Groups["path"].Value;
        }
        else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "ssh" or "git" && uri.Host.Length > 0)
        {
            path = uri.AbsolutePath;
        }
        else
        {
            return false;
        }

        if (path.Trim('/').Split('/') is not [var owner, var name])
        {
            return false;
        }

        name = name.EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
        if (!Segment().IsMatch(owner) || !Segment().IsMatch(name))
        {
            return false;
        }

        repository = new RepositoryName(owner, name);
        return true;
    }

    public override string ToString() => $"{Owner}/{Name}";

    [GeneratedRegex(@"^(?:[A-Za-z0-9._-]+@)?(?<host>[A-Za-z0-9.-]+):(?!//)(?<path>[^\\]+)$")]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex Segment();
}
