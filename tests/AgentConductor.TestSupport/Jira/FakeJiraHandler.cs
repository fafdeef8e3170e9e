using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.Jira;

/// <summary>Records each request, applies the strict checks, then plays a scripted answer or handles it against the issues.</summary>
internal sealed partial class FakeJiraHandler(FakeJiraServer server)
{
    private const string NoIssue = "Issue does not exist or you do not have permission to see it.";

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = request.Path.Value ?? "";
        var query = request.QueryString.Value?.TrimStart('?') ?? "";
        server.Requests.Enqueue(new FakeJiraRequest(
            request.Method, path, query, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
        var what = $"{request.Method} {path}{request.QueryString}";

        var route = Route().Match(path);
        var kind = route.Success ? (request.Method, route.Groups["rest"].Value) switch
        {
            ("GET", "") => "status",
            ("GET", "/comment") => "comments",
            ("POST", "/comment") => "comment",
            ("GET", "/transitions") => "transitions",
            ("POST", "/transitions") => "transition",
            _ => null,
        } : null;
        if (kind is null)
        {
            await RejectAsync(context, 404, $"{what}: no such resource in Jira's REST v3 API (as the conductor uses it)");
            return;
        }

        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0)
        {
            await RejectAsync(context, 401, $"{what}: no Authorization header");
            return;
        }

        if (authorization != "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{server.User}:{server.ApiToken}")))
        {
            await WriteAsync(context, 401, Error("Client must be authenticated to access this resource."));
            return;
        }

        if (!request.Headers.Accept.ToString().Contains("application/json", StringComparison.Ordinal))
        {
            await RejectAsync(context, 406, $"{what}: Accept must include application/json");
            return;
        }

        JsonObject? json = null;
        if (request.Method == "POST")
        {
            if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.MediaType != "application/json")
            {
                await RejectAsync(context, 415, $"{what}: Content-Type '{request.ContentType}' is not application/json");
                return;
            }

            try
            {
                json = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
            }

            if (json is null)
            {
                await RejectAsync(context, 400, $"{what}: the body is not a JSON object");
                return;
            }

            if ((kind == "comment" ? CommentProblem(json) : TransitionProblem(json)) is { } problem)
            {
                await RejectAsync(context, 400, $"{what}: {problem}");
                return;
            }
        }

        if (kind == "comments" && CommentsQueryProblem(request.Query) is { } queryProblem)
        {
            await RejectAsync(context, 400, $"{what}: {queryProblem}");
            return;
        }

        if (kind == "status" && request.Query["fields"].ToString() != "status")
        {
            await RejectAsync(context, 400, $"{what}: the conductor reads only fields=status");
            return;
        }

        if (server.TryTakeScripted(out var scripted))
        {
            foreach (var (name, value) in scripted.Headers)
            {
                context.Response.Headers[name] = value;
            }

            await WriteAsync(context, scripted.Status, scripted.Body);
            return;
        }

        var key = route.Groups["key"].Value;
        FakeJiraIssue? issue;
        lock (server.Gate)
        {
            issue = server.Issues.GetValueOrDefault(key);
        }

        if (issue is null)
        {
            await WriteAsync(context, 404, Error(NoIssue));
            return;
        }

        switch (kind)
        {
            case "comment":
                await AddCommentAsync(context, issue, (JsonObject)json!["body"]!);
                break;
            case "comments":
                await WriteAsync(context, 200, ListComments(issue, request.Query["orderBy"].ToString(), int.Parse(request.Query["maxResults"].ToString(), CultureInfo.InvariantCulture)));
                break;
            case "transitions":
                await WriteAsync(context, 200, ListTransitions(issue));
                break;
            case "transition":
                await TransitionAsync(context, issue, json!["transition"]!["id"]!.GetValue<string>());
                break;
            default:
                string status;
                lock (server.Gate)
                {
                    status = issue.Status;
                }

                var answer = new JsonObject { ["id"] = "10001", ["key"] = issue.Key, ["fields"] = new JsonObject { ["status"] = new JsonObject { ["name"] = status } } };
                await WriteAsync(context, 200, answer.ToJsonString());
                break;
        }
    }

    private async Task AddCommentAsync(HttpContext context, FakeJiraIssue issue, JsonObject document)
    {
        FakeJiraComment comment;
        lock (server.Gate)
        {
            comment = new FakeJiraComment(server.NextCommentId(), (JsonObject)document.DeepClone(), server.Clock.GetUtcNow());
            issue.CommentList.Add(comment);
        }

        if (server.TryTakeCommentHold(out var hold))
        {
            lock (server.Gate)
            {
                server.Holding.Add(hold);
            }

            await Task.WhenAny(hold.Task, Task.Delay(Timeout.Infinite, context.RequestAborted));
            context.Abort();
            return;
        }

        await WriteAsync(context, 201, CommentJson(issue, comment).ToJsonString());
    }

    private string ListComments(FakeJiraIssue issue, string orderBy, int maxResults)
    {
        lock (server.Gate)
        {
            var ordered = orderBy.StartsWith('-') ? issue.CommentList.AsEnumerable().Reverse() : issue.CommentList;
            var page = ordered.Take(maxResults).Select(c => (JsonNode)CommentJson(issue, c)).ToArray();
            return new JsonObject
            {
                ["startAt"] = 0, ["maxResults"] = maxResults, ["total"] = issue.CommentList.Count, ["comments"] = new JsonArray(page),
            }.ToJsonString();
        }
    }

    private string ListTransitions(FakeJiraIssue issue)
    {
        lock (server.Gate)
        {
            var offered = server.Workflow.GetValueOrDefault(issue.Status) ?? [];
            return new JsonObject
            {
                ["expand"] = "transitions",
                ["transitions"] = new JsonArray([.. offered.Select(t => (JsonNode)new JsonObject
                {
                    ["id"] = t.Id, ["name"] = t.Name, ["to"] = new JsonObject { ["name"] = t.To }, ["hasScreen"] = false, ["isAvailable"] = true,
                })]),
            }.ToJsonString();
        }
    }

    private async Task TransitionAsync(HttpContext context, FakeJiraIssue issue, string id)
    {
        string? to;
        lock (server.Gate)
        {
            to = (server.Workflow.GetValueOrDefault(issue.Status) ?? []).Where(t => t.Id == id).Select(t => t.To).FirstOrDefault();
            if (to is not null)
            {
                issue.Status = to;
            }
        }

        if (to is null)
        {
            await WriteAsync(context, 400, Error($"Transition id '{id}' is not valid for this issue."));
            return;
        }

        context.Response.StatusCode = 204;
    }

    private JsonObject CommentJson(FakeJiraIssue issue, FakeJiraComment comment) => new()
    {
        ["self"] = $"{server.SiteUrl}rest/api/3/issue/{issue.Key}/comment/{comment.Id}",
        ["id"] = comment.Id,
        ["author"] = new JsonObject { ["accountId"] = "5b10a2844c20165700ede21g", ["displayName"] = "Agent Conductor" },
        ["body"] = comment.Body.DeepClone(),
        ["created"] = comment.Created.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzz00", CultureInfo.InvariantCulture),
        ["jsdPublic"] = true,
    };

    private static string? CommentProblem(JsonObject json)
    {
        if (json.Select(p => p.Key).FirstOrDefault(k => k is not ("body" or "visibility" or "properties")) is { } unknown)
        {
            return $"unknown comment property '{unknown}'";
        }

        return json["body"] is JsonObject document ? AdfCheck.Problem(document) is { } adf ? $"invalid ADF: {adf}" : null : "body must be an ADF document";
    }

    private static string? TransitionProblem(JsonObject json) =>
        json.Count != 1 || json["transition"] is not JsonObject transition || transition.Count != 1
        || transition["id"]?.GetValueKind() != JsonValueKind.String
            ? "the body must be {\"transition\":{\"id\":\"<id>\"}}"
            : null;

    private static string? CommentsQueryProblem(IQueryCollection query)
    {
        if (query.Keys.FirstOrDefault(k => k is not ("orderBy" or "maxResults" or "startAt" or "expand")) is { } unknown)
        {
            return $"unknown query parameter '{unknown}'";
        }

        if (query["orderBy"].ToString() is { Length: > 0 } order && order is not ("created" or "-created" or "+created"))
        {
            return $"orderBy '{order}' is not created, -created or +created";
        }

        return int.TryParse(query["maxResults"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max is >= 1 and <= 5000
            ? null
            : "maxResults must be a number from 1 to 5000";
    }

    private static string Error(string message) =>
        new JsonObject { ["errorMessages"] = new JsonArray(message), ["errors"] = new JsonObject() }.ToJsonString();

    private async Task RejectAsync(HttpContext context, int status, string failure)
    {
        server.Failures.Enqueue(failure);
        await WriteAsync(context, status, Error($"fake Jira: {failure}"));
    }

    private static Task WriteAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json;charset=UTF-8";
        return context.Response.WriteAsync(body);
    }

    [GeneratedRegex(@"^/rest/api/3/issue/(?<key>[A-Z][A-Z0-9_]*-[0-9]+)(?<rest>/comment|/transitions)?$")]
    private static partial Regex Route();
}
