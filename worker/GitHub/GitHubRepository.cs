using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AgentConductor.Worker.GitHub;

/// <summary>A repository named by its clone URL: <c>https://host/owner/repo(.git)</c>, <c>git@host:owner/repo.git</c> or <c>ssh://git@host/owner/repo.git</c>.</summary>
internal sealed partial record GitHubRepository(string Host, string Owner, string Name)
{
    /// <summary>The REST root for the repository's host: api.github.com for github.com, <c>/api/v3/</c> on an enterprise host.</summary>
    public Uri DefaultApiBaseUrl =>
        string.Equals(Host, "github.com", StringComparison.OrdinalIgnoreCase)
            ? new Uri("https://api.github.com/")
            : new Uri($"https://{Host}/api/v3/");

    public static GitHubRepository Parse(string cloneUrl) =>
        TryParse(cloneUrl, out var repository)
            ? repository
            : throw new FormatException($"Not a GitHub repository clone URL: '{Redact(cloneUrl)}'.");

    public static bool TryParse(string? cloneUrl, [NotNullWhen(true)] out GitHubRepository? repository)
    {
        repository = null;
        if (string.IsNullOrWhiteSpace(cloneUrl))
        {
            return false;
        }

        var text = cloneUrl.Trim();
        string host;
        string path;
        if (ScpLike().Match(text) is { Success: true } scp)
        {
            host = scp.Groups["host"].Value;
            path = scp.Groups["path"].Value;
        }
        else if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "ssh" or "git")
        {
            host = uri.Host;
            path = uri.AbsolutePath;
        }
        else
        {
            return false;
        }

        var segments = path.Trim('/').Split('/');
        if (segments.Length != 2 || host.Length == 0)
        {
            return false;
        }

        var owner = segments[0];
        var name = segments[1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? segments[1][..^4] : segments[1];
        if (!Segment().IsMatch(owner) || !Segment().IsMatch(name))
        {
            return false;
        }

        repository = new GitHubRepository(host.ToLowerInvariant(), owner, name);
        return true;
    }

    public override string ToString() => $"{Owner}/{Name}";

    // A URL with credentials in it must not end up in an exception message.
    private static string Redact(string text) => Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
        ? text.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
        : text;

    [GeneratedRegex(@"^(?:[A-Za-z0-9._-]+@)?(?<host>[A-Za-z0-9.-]+):(?!//)(?<path>[^\\]+)$")]
    private static partial Regex ScpLike();

    [GeneratedRegex(@"^[A-Za-z0-9._-]+$")]
    private static partial Regex Segment();
}
