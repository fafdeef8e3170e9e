using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>Records each request, applies the strict checks, then plays a scripted answer or routes to <see cref="FakeGitHubEndpoints"/>.</summary>
internal sealed partial class FakeGitHubHandler(FakeGitHubServer server)
{
    private readonly FakeGitHubEndpoints _endpoints = new(server);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = request.Path.Value ?? "";
        server.Requests.Enqueue(new FakeGitHubRequest(
            request.Method,
            path,
            request.QueryString.Value?.TrimStart('?') ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body));

        var what = $"{request.Method} {path}{request.QueryString}";
        if (CheckHeaders(request) is { } headerProblem)
        {
            await RejectAsync(context, $"{what}: {headerProblem}");
            return;
        }

        var route = Route().Match(path.StartsWith(server.PathPrefix + "/", StringComparison.Ordinal) ? path[server.PathPrefix.Length..] : "");
        var kind = route.Success ? Classify(request.Method, route.Groups["rest"].Value) : null;
        if (kind is null)
        {
            await RejectAsync(context, $"{what}: unknown route");
            return;
        }

        // GitHub reads a body as JSON whatever its label; Octokit labels its JSON application/x-www-form-urlencoded.
        if (request.Method is "POST" or "PATCH"
            && request.ContentType?.Split(';')[0].Trim() is not ("application/json" or "application/x-www-form-urlencoded"))
        {
            await RejectAsync(context, $"{what}: Content-Type must be application/json (or Octokit's application/x-www-form-urlencoded), got '{request.ContentType}'");
            return;
        }

        JsonObject? json = null;
        if (request.Method is "POST" or "PATCH" && !TryParseObject(body, out json))
        {
            await RejectAsync(context, $"{what}: body is not a JSON object: {body}");
            return;
        }

        var queryProblem = kind == "list" ? FakeGitHubQuery.CheckList(request.Query) : request.QueryString.HasValue ? "no query expected" : null;
        if (queryProblem is not null)
        {
            await RejectAsync(context, $"{what}: {queryProblem}");
            return;
        }

        if (server.TryTakeHang())
        {
            await HangAsync(context);
            return;
        }

        if (server.TryTakeScripted(out var scripted))
        {
            await FakeGitHubJson.WriteAsync(context, scripted.Status, scripted.Body, scripted.Headers);
            return;
        }

        var owner = route.Groups["owner"].Value;
        var repo = route.Groups["repo"].Value;
        _ = int.TryParse(route.Groups["number"].Value, out var number);
        var (status, answer) = kind switch
        {
            "list" => _endpoints.List(owner, repo, request.Query["head"].ToString(), request.Query["state"].ToString()),
            "create" => _endpoints.Create(owner, repo, json!),
            _ => _endpoints.Update(owner, repo, number, json!),
        };
        if (status == 400)
        {
            server.Fail($"{what}: {answer["message"]}");
        }

        await FakeGitHubJson.WriteAsync(context, status, answer.ToJsonString(), null);
    }

    private string? CheckHeaders(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization != $"Bearer {server.Token}")
        {
            return authorization.Length == 0 ? "missing Authorization" : "wrong Authorization";
        }

        var accepted = request.Headers.Accept.ToString().Split(',').Select(a => a.Split(';')[0].Trim());
        if (!accepted.Any(a => a is "application/vnd.github+json" or "application/vnd.github.v3+json"))
        {
            return "missing Accept: application/vnd.github+json (or the older application/vnd.github.v3+json)";
        }

        if (request.Headers["X-GitHub-Api-Version"].ToString() != "2022-11-28")
        {
            return "missing X-GitHub-Api-Version: 2022-11-28";
        }

        return string.IsNullOrWhiteSpace(request.Headers.UserAgent.ToString()) ? "missing User-Agent" : null;
    }

    private static string? Classify(string method, string rest) => (method, rest) switch
    {
        ("GET", "pulls") => "list",
        ("POST", "pulls") => "create",
        ("PATCH", _) when rest.StartsWith("pulls/", StringComparison.Ordinal) => "update",
        _ => null,
    };

    /// <summary>GitHub never answering: the request stays open until the client gives up, which the fake counts.</summary>
    private async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            server.CountAbort();
        }
    }

    private static bool TryParseObject(string body, out JsonObject? json)
    {
        try
        {
            json = JsonNode.Parse(body) as JsonObject;
            return json is not null;
        }
        catch (JsonException)
        {
            json = null;
            return false;
        }
    }

    private async Task RejectAsync(HttpContext context, string failure)
    {
        server.Fail(failure);
        await FakeGitHubJson.WriteAsync(context, 400, new JsonObject { ["message"] = $"fake GitHub: {failure}" }.ToJsonString(), null);
    }

    [GeneratedRegex(@"^/repos/(?<owner>[A-Za-z0-9._-]+)/(?<repo>[A-Za-z0-9._-]+)/(?<rest>pulls|pulls/(?<number>\d+))$")]
    private static partial Regex Route();
}
