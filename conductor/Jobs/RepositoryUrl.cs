namespace AgentConductor.Conductor.Jobs;

/// <summary>
/// The identity of a repository for claims: the clone URL with its host lowercased and any trailing slash and
/// <c>.git</c> removed, so <c>https://GitHub.com/acme/pay.git/</c> and <c>https://github.com/acme/pay</c> are one repository.
/// </summary>
internal static class RepositoryUrl
{
    public static string Normalise(string cloneUrl)
    {
        var url = cloneUrl.Trim().TrimEnd('/');
        if (url.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            url = url[..^4].TrimEnd('/');
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host))
        {
            var hostStart = url.IndexOf(uri.Host, StringComparison.OrdinalIgnoreCase);
            return url[..hostStart].ToLowerInvariant() + uri.Host.ToLowerInvariant() + url[(hostStart + uri.Host.Length)..];
        }

        // scp-like git syntax: git@GitHub.com:acme/pay
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && colon > at)
        {
            return url[..(at + 1)] + url[(at + 1)..colon].ToLowerInvariant() + url[colon..];
        }

        return url;
    }
}
