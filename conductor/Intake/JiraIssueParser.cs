using System.Text.Json;
using System.Text.RegularExpressions;

namespace AgentConductor.Conductor.Intake;

/// <summary>Reads a Jira issue in the REST API shape (v2 or v3), on its own or inside a webhook.</summary>
internal static partial class JiraIssueParser
{
    /// <summary>Parses the issue object <paramref name="issue"/> reads; <paramref name="eventTime"/> overrides the issue's own.</summary>
    public static TicketMessage Parse(JsonFieldReader issue, TicketAction action, DateTimeOffset? eventTime = null)
    {
        var key = issue.RequiredString("key");
        if (!JiraKey().IsMatch(key))
        {
            throw issue.Invalid("key", $"must be a Jira issue key like 'ENG-123' but was {JsonFieldReader.Quote(key)}");
        }

        _ = issue.OptionalObject("fields");
        return new TicketMessage(
            issue.Format,
            action,
            key,
            ProjectKey: issue.OptionalString("fields.project.key") ?? key[..key.LastIndexOf('-')],
            Summary: issue.OptionalString("fields.summary"),
            Description: Description(issue),
            Labels: issue.OptionalStringArray("fields.labels"),
            Components: Components(issue),
            Status: issue.OptionalString("fields.status.name"),
            IssueType: issue.OptionalString("fields.issuetype.name"),
            Priority: issue.OptionalString("fields.priority.name"),
            Url: BrowseUrl(issue.OptionalString("self"), key),
            EventTime: eventTime
                ?? issue.OptionalTimestamp("fields.updated")
                ?? issue.OptionalTimestamp("fields.created"));
    }

    /// <summary>
    /// <c>https://host[/context]/rest/api/N/issue/ID</c> becomes <c>https://host[/context]/browse/KEY</c>;
    /// null when <paramref name="self"/> is absent or not an http(s) URL.
    /// </summary>
    internal static string? BrowseUrl(string? self, string key)
    {
        if (self is null
            || !Uri.TryCreate(self, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return null;
        }

        var path = uri.AbsolutePath;
        var rest = path.IndexOf("/rest/", StringComparison.Ordinal);
        var contextPath = rest >= 0 ? path[..rest] : string.Empty;
        return $"{uri.Scheme}://{uri.Authority}{contextPath}/browse/{key}";
    }

    // v2 sends a plain string (kept verbatim); v3 sends an ADF document (flattened).
    private static string? Description(JsonFieldReader issue)
    {
        const string Path = "fields.description";
        if (!issue.TryGetValue(Path, out var description))
        {
            return null;
        }

        return description.ValueKind switch
        {
            JsonValueKind.String => issue.OptionalString(Path),
            JsonValueKind.Object => AdfText.Flatten(description),
            _ => throw issue.Invalid(
                Path,
                $"must be a string (v2) or an ADF document (v3) but was {JsonFieldReader.Describe(description)}"),
        };
    }

    private static List<string> Components(JsonFieldReader issue)
    {
        const string Path = "fields.components";
        var components = issue.OptionalArray(Path);
        var names = new List<string>(components.Count);
        for (var i = 0; i < components.Count; i++)
        {
            if (issue.Element(Path, i, components[i]).OptionalString("name") is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }

    // \z rather than $: $ would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Z][A-Z0-9_]+-[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex JiraKey();
}
