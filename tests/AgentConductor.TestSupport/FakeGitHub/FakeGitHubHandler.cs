using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// Hands git requests to <see cref="FakeGitHubGit"/>; records every API request, applies the strict checks and the
/// token's scope, then plays a scripted answer or routes to <see cref="FakeGitHubEndpoints"/> or <see cref="FakeGitHubAppEndpoints"/>.
/// </summary>
internal sealed partial class FakeGitHubHandler(FakeGitHubServer server)
{
    private readonly FakeGitHubEndpoints _endpoints = new(server);
    private readonly FakeGitHubCommentEndpoints _comments = new(server);
    private readonly FakeGitHubGit _git = new(server);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        if (FakeGitHubGit.Match(path) is { Success: true } git)
        {
            await _git.HandleAsync(context, git);
            return;
        }

        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
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

        var apiPath = path.StartsWith(server.PathPrefix + "/", StringComparison.Ordinal) ? path[server.PathPrefix.Length..] : "";
        var route = Route().Match(apiPath);
        var appRoute = AppRoute().Match(apiPath);
        var kind = route.Success ? Classify(request.Method, route.Groups["rest"].Value)
            : appRoute.Success ? ClassifyApp(request.Method, appRoute)
            : null;
        if (kind is null)
        {
            await RejectAsync(context, $"{what}: unknown route");
            return;
        }

        var owner = route.Success ? route.Groups["owner"].Value : appRoute.Groups["owner"].Value;
        var repo = route.Success ? route.Groups["repo"].Value : appRoute.Groups["repo"].Value;
        var refusal = kind is "installation" or "token" ? AuthenticateApp(request) : Authenticate(request, owner, repo, kind is "list" or "issue-comments" or "review-comments" ? "read" : "write");
        if (refusal is { } refused)
        {
            if (refused.Status == 400)
            {
                await RejectAsync(context, $"{what}: {refused.Message}");
            }
            else
            {
                await FakeGitHubJson.WriteAsync(context, refused.Status, FakeGitHubJson.Message(refused.Message).ToJsonString(), null);
            }

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

        var queryProblem = kind switch
        {
            "list" => FakeGitHubQuery.CheckList(request.Query),
            "issue-comments" or "review-comments" => FakeGitHubQuery.CheckCommentList(request.Query),
            _ => request.QueryString.HasValue ? "no query expected" : null,
        };
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

        _ = int.TryParse(route.Groups["number"].Value, out var number);
        var (status, answer) = kind switch
        {
            "list" => _endpoints.List(owner, repo, request.Query["head"].ToString(), request.Query["state"].ToString()),
            "create" => _endpoints.Create(owner, repo, json!),
            "reply" => _comments.Reply(owner, repo, number, json!),
            "comment" => _comments.Comment(owner, repo, number, json!),
            "issue-comments" => _comments.ListIssueComments(owner, repo, number, FakeGitHubQuery.Since(request.Query)),
            "review-comments" => _comments.ListReviewComments(owner, repo, number, FakeGitHubQuery.Since(request.Query)),
            "installation" => new FakeGitHubAppEndpoints(server.App!).Installation(owner, repo),
            "token" => new FakeGitHubAppEndpoints(server.App!).CreateToken(long.Parse(appRoute.Groups["installation"].Value, System.Globalization.CultureInfo.InvariantCulture), json!),
            _ => _endpoints.Update(owner, repo, number, json!),
        };
        if (status == 400)
        {
            server.Fail($"{what}: {answer["message"]}");
        }

        if (request.Method is "POST" or "PATCH" && server.TryTakeStoreThenFail(out var failure))
        {
            // Handled and stored, but the client hears only an error, as when GitHub's front end times out behind it.
            await FakeGitHubJson.WriteAsync(context, failure, FakeGitHubJson.Message("Server Error").ToJsonString(), null);
            return;
        }

        await FakeGitHubJson.WriteAsync(context, status, answer.ToJsonString(), null);
    }

    private static string? CheckHeaders(HttpRequest request)
    {
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

    /// <summary>
    /// A repository call: the fake's own token may do anything; an App's installation token must be unexpired (else 401),
    /// reach the repository (else 404, as GitHub hides what a token cannot see) and hold the pull request permission at
    /// <paramref name="level"/> (else 403). No bearer token at all, or an unknown one without an App, is a strict-check failure (400).
    /// </summary>
    private (int Status, string Message)? Authenticate(HttpRequest request, string owner, string repo, string level)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return (400, authorization.Length == 0 ? "missing Authorization" : "wrong Authorization");
        }

        var token = authorization["Bearer ".Length..];
        if (server.Token.Length > 0 && token == server.Token)
        {
            return null;
        }

        if (server.App is not { } app)
        {
            return (400, "wrong Authorization");
        }

        if (app.FindToken(token) is not { } minted || minted.ExpiresAt <= app.Time.GetUtcNow())
        {
            return (401, "Bad credentials");
        }

        if (!minted.Reaches(owner, repo))
        {
            return (404, "Not Found");
        }

        return minted.Allows("pull_requests", level) ? null : (403, "Resource not accessible by integration");
    }

    /// <summary>An App endpoint: the App's JWT as a bearer token, checked as GitHub checks it (401 with GitHub's message).</summary>
    private (int Status, string Message)? AuthenticateApp(HttpRequest request)
    {
        if (server.App is not { } app)
        {
            return (400, "App endpoint called, but the fake has no App");
        }

        var authorization = request.Headers.Authorization.ToString();
        return !authorization.StartsWith("Bearer ", StringComparison.Ordinal)
            ? (401, "A JSON web token could not be decoded")
            : app.Authenticate(authorization["Bearer ".Length..]) is { } problem ? (401, problem) : null;
    }

    private static string? ClassifyApp(string method, Match route) => (method, route.Groups["installation"].Success) switch
    {
        ("POST", true) => "token",
        ("GET", false) => "installation",
        _ => null,
    };

    private static string? Classify(string method, string rest) => (method, rest) switch
    {
        ("GET", "pulls") => "list",
        ("POST", "pulls") => "create",
        ("PATCH", _) when rest.StartsWith("pulls/", StringComparison.Ordinal) && !rest.EndsWith("/comments", StringComparison.Ordinal) => "update",
        ("POST", _) when rest.StartsWith("pulls/", StringComparison.Ordinal) && rest.EndsWith("/comments", StringComparison.Ordinal) => "reply",
        ("POST", _) when rest.StartsWith("issues/", StringComparison.Ordinal) => "comment",
        ("GET", _) when rest.StartsWith("issues/", StringComparison.Ordinal) && rest.EndsWith("/comments", StringComparison.Ordinal) => "issue-comments",
        ("GET", _) when rest.StartsWith("pulls/", StringComparison.Ordinal) && rest.EndsWith("/comments", StringComparison.Ordinal) => "review-comments",
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

    [GeneratedRegex(@"^/repos/(?<owner>[A-Za-z0-9._-]+)/(?<repo>[A-Za-z0-9._-]+)/(?<rest>pulls|pulls/(?<number>\d+)|pulls/(?<number>\d+)/comments|issues/(?<number>\d+)/comments)$")]
    private static partial Regex Route();

    [GeneratedRegex(@"^(?:/app/installations/(?<installation>\d+)/access_tokens|/repos/(?<owner>[A-Za-z0-9._-]+)/(?<repo>[A-Za-z0-9._-]+)/installation)$")]
    private static partial Regex AppRoute();
}
