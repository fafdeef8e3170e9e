using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.Conductor.Notify;

/// <summary>
/// The few Jira Cloud REST v3 calls notifications make, with Basic auth (<c>Jira:User</c>:<c>Jira:ApiToken</c>). Calls
/// return the answer; <see cref="NotifyRequestException"/> when there was none.
/// </summary>
internal sealed class JiraClient(JiraOptions options, NotifyHttp http)
{
    /// <summary>How many of the newest comments a retry reads when it looks for its own earlier comment.</summary>
    public const int CommentsChecked = 100;

    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private readonly Uri _site = new(options.SiteUrl!.TrimEnd('/') + "/");
    private readonly AuthenticationHeaderValue _authorization = new("Basic", BasicCredential(options.User!, options.ApiToken!));

    public static string BasicCredential(string user, string apiToken) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{apiToken}"));

    public Task<HttpAnswer> AddCommentAsync(string issueKey, JsonObject document, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Issue(issueKey)}/comment", new JsonObject { ["body"] = document }, cancellationToken);

    public Task<HttpAnswer> RecentCommentsAsync(string issueKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"{Issue(issueKey)}/comment?orderBy=-created&maxResults={CommentsChecked}", null, cancellationToken);

    public Task<HttpAnswer> TransitionsAsync(string issueKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"{Issue(issueKey)}/transitions", null, cancellationToken);

    public Task<HttpAnswer> TransitionAsync(string issueKey, string transitionId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Issue(issueKey)}/transitions", new JsonObject { ["transition"] = new JsonObject { ["id"] = transitionId } }, cancellationToken);

    public Task<HttpAnswer> StatusAsync(string issueKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"{Issue(issueKey)}?fields=status", null, cancellationToken);

    /// <summary>Jira's own words from an error answer (<c>errorMessages</c>, <c>errors</c>), else the body.</summary>
    public static string Describe(HttpAnswer answer)
    {
        try
        {
            if (JsonNode.Parse(answer.Body) is JsonObject error)
            {
                var messages = (error["errorMessages"] as JsonArray ?? []).Select(m => m?.ToString()).OfType<string>();
                var fields = (error["errors"] as JsonObject ?? []).Select(f => $"{f.Key}: {f.Value}");
                var text = string.Join("; ", messages.Concat(fields));
                if (text.Length > 0)
                {
                    return $"HTTP {answer.Status}: {HttpAnswer.Shorten(text, 300)}";
                }
            }
        }
        catch (JsonException)
        {
        }

        return answer.Describe();
    }

    /// <summary>
    /// What a failed answer means for the delivery: bad request, no such issue (or no permission to see it) and too large
    /// are final; refused credentials, rate limits and server errors may pass.
    /// </summary>
    public static DeliveryOutcome Failure(HttpAnswer answer, string action) => answer.Status switch
    {
        400 or 404 or 413 => DeliveryOutcome.Dead(answer.Status, $"{action}: {Describe(answer)}"),
        401 => DeliveryOutcome.Retry(answer.Status, $"{action}: {Describe(answer)} (Jira refused Jira:User / Jira:ApiToken)"),
        403 => DeliveryOutcome.Retry(answer.Status, $"{action}: {Describe(answer)} (the Jira account lacks a permission)"),
        _ => DeliveryOutcome.Retry(answer.Status, $"{action}: {Describe(answer)}", answer.RetryAfter),
    };

    private static string Issue(string key) => $"rest/api/3/issue/{Uri.EscapeDataString(key)}";

    private Task<HttpAnswer> SendAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(_site, path));
        request.Headers.Authorization = _authorization;
        request.Headers.Accept.Add(AcceptJson);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        return SendAndDisposeAsync(request, cancellationToken);
    }

    private async Task<HttpAnswer> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await http.SendAsync(request, cancellationToken);
        }
    }
}
