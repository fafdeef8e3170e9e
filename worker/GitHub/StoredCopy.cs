using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace AgentConductor.Worker.GitHub;

/// <summary>
/// How to find what a create call may already have stored. GitHub can store a comment and still answer 5xx, or the
/// answer can be lost on the way: posting it again would show it twice. Before such a call is retried, the handler lists
/// <see cref="ListPath"/> (the comments written since shortly before the call began) and, when one carries exactly the
/// body posted, answers with it as if the create had succeeded.
/// </summary>
/// <param name="ListPath">Below the API base: <c>repos/{owner}/{repo}/issues/{number}/comments</c>.</param>
/// <param name="Body">The body the call posts.</param>
internal sealed record StoredCopy(string ListPath, string Body)
{
    /// <summary>How far before the call's start the list reaches back: clocks differ, and GitHub filters by its own.</summary>
    public static readonly TimeSpan ClockSlack = TimeSpan.FromMinutes(10);

    /// <summary>The list request's path and query: the newest comments, written since <paramref name="callStarted"/> less the slack.</summary>
    public string ListQuery(DateTimeOffset callStarted) =>
        $"{ListPath}?since={Uri.EscapeDataString((callStarted - ClockSlack).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}&per_page=100";

    /// <summary>The stored comment as a create call's answer (201 with its JSON), or null when the list holds none with the body.</summary>
    public HttpResponseMessage? Find(string listAnswer)
    {
        using var document = JsonDocument.Parse(listAnswer);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var comment in document.RootElement.EnumerateArray())
        {
            if (comment.ValueKind == JsonValueKind.Object && comment.TryGetProperty("body", out var body)
                && body.ValueKind == JsonValueKind.String && body.GetString() == Body)
            {
                return new HttpResponseMessage(HttpStatusCode.Created) { Content = new StringContent(comment.GetRawText(), Encoding.UTF8, "application/json") };
            }
        }

        return null;
    }
}
