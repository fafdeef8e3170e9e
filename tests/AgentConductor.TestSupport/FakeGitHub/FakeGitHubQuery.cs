using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// The query parameters GitHub's lists take ("list pull requests", and the two comment lists of a pull request), each
/// checked against the values GitHub accepts.
/// </summary>
internal static class FakeGitHubQuery
{
    private static readonly Func<string, bool> PerPage = v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100;
    private static readonly Func<string, bool> Page = v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1;

    private static readonly Dictionary<string, Func<string, bool>> ListParameters = new(StringComparer.Ordinal)
    {
        ["state"] = v => v is "open" or "closed" or "all",
        ["head"] = v => v.IndexOf(':', StringComparison.Ordinal) is var colon && colon > 0 && colon < v.Length - 1,
        ["base"] = v => v.Length > 0,
        ["sort"] = v => v is "created" or "updated" or "popularity" or "long-running",
        ["direction"] = v => v is "asc" or "desc",
        ["per_page"] = PerPage,
        ["page"] = Page,
    };

    private static readonly Dictionary<string, Func<string, bool>> CommentListParameters = new(StringComparer.Ordinal)
    {
        ["since"] = v => DateTimeOffset.TryParseExact(v, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
        ["per_page"] = PerPage,
        ["page"] = Page,
    };

    /// <summary>Null when the query is one GitHub accepts and names the head as owner:branch (the fake needs the filter), else the problem.</summary>
    public static string? CheckList(IQueryCollection query) =>
        Check(query, ListParameters) ?? (query.ContainsKey("head") ? null : "head filter must be owner:branch");

    /// <summary>Null when the query is one GitHub's comment lists accept (<c>since</c> as ISO 8601 in UTC, <c>per_page</c>, <c>page</c>), else the problem.</summary>
    public static string? CheckCommentList(IQueryCollection query) => Check(query, CommentListParameters);

    /// <summary>The <c>since</c> of a comment list's query, checked already; null without one.</summary>
    public static DateTimeOffset? Since(IQueryCollection query) =>
        query.TryGetValue("since", out var since) ? DateTimeOffset.Parse(since[0]!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    private static string? Check(IQueryCollection query, Dictionary<string, Func<string, bool>> parameters)
    {
        foreach (var (name, values) in query)
        {
            if (!parameters.TryGetValue(name, out var valid))
            {
                return $"unknown query parameter '{name}'";
            }

            if (values.Count != 1 || !valid(values[0] ?? ""))
            {
                return name == "head" ? "head filter must be owner:branch" : $"bad value '{values}' for '{name}'";
            }
        }

        return null;
    }
}
