namespace AgentConductor.Conductor.Jobs;

/// <summary>Reads a pull request's web URL (<c>https://github.com/acme/pay/pull/7</c>, any host) as <c>acme/pay#7</c>.</summary>
internal static class PullRequestUrls
{
    /// <summary>The repository's <c>owner/name</c> and the number, or null when the URL does not end in <c>/owner/name/pull/N</c>.</summary>
    public static (string Repository, int Number)? Parse(string? url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return null;
        }

        var segments = uri.AbsolutePath.Trim('/').Split('/');
        return segments.Length >= 4
            && segments[^2] == "pull"
            && int.TryParse(segments[^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? ($"{segments[^4]}/{segments[^3]}", number)
                : null;
    }

    /// <summary><c>acme/pay#7</c>, or the URL itself when it is not a pull request URL.</summary>
    public static string Describe(string url) => Parse(url) is { } pr ? $"{pr.Repository}#{pr.Number}" : url;
}
