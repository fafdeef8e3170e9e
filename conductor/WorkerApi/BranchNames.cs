using System.Text;

namespace AgentConductor.Conductor.WorkerApi;

/// <summary>Branches are <c>agent/&lt;job-id&gt;/&lt;slug&gt;</c>; the slug is the title in lowercase ASCII letters, digits and dashes.</summary>
internal static class BranchNames
{
    public const int MaxSlugLength = 40;

    public static string For(string jobId, string title, string kind) =>
        $"agent/{jobId}/{(Slug(title) is { Length: > 0 } slug ? slug : kind)}";

    /// <summary>Lowercase <c>[a-z0-9-]</c>, runs of anything else become one dash, at most 40 characters, no dash at either end.</summary>
    public static string Slug(string title)
    {
        var slug = new StringBuilder(MaxSlugLength);
        var pendingDash = false;
        foreach (var c in title)
        {
            var lower = c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
            if (lower is not ((>= 'a' and <= 'z') or (>= '0' and <= '9')))
            {
                pendingDash = slug.Length > 0;
                continue;
            }

            if (slug.Length + (pendingDash ? 2 : 1) > MaxSlugLength)
            {
                break;
            }

            if (pendingDash)
            {
                slug.Append('-');
                pendingDash = false;
            }

            slug.Append(lower);
        }

        return slug.ToString();
    }
}
