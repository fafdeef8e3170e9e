using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>The fake's endpoints over its in-memory store. A 400 answer here is a strict-check failure (wrong field types).</summary>
internal sealed class FakeGitHubEndpoints(FakeGitHubServer server)
{
    public (int Status, JsonNode Answer) List(string owner, string repo, string head, string state)
    {
        if (state is not ("" or "open" or "closed" or "all"))
        {
            return (400, FakeGitHubJson.Message($"unknown state '{state}'"));
        }

        var (headOwner, headRef) = SplitHead(head, owner);
        lock (server.Gate)
        {
            var matches = server.Store
                .Where(p => p.Owner == owner && p.Repo == repo && p.HeadOwner == headOwner && p.HeadRef == headRef)
                .Where(p => state == "all" || p.State == (state.Length == 0 ? "open" : state))
                .Select(p => (JsonNode)FakeGitHubJson.PullRequest(p));
            return (200, new JsonArray([.. matches]));
        }
    }

    public (int Status, JsonNode Answer) Create(string owner, string repo, JsonObject json)
    {
        if (Unexpected(json, "title", "head", "base", "body", "draft", "maintainer_can_modify") is { } field)
        {
            return (400, FakeGitHubJson.Message($"unexpected field '{field}'"));
        }

        if (!TryString(json, "title", out var title) || !TryString(json, "head", out var head) || !TryString(json, "base", out var baseRef)
            || !TryString(json, "body", out var body) || !TryBool(json, "draft", out var draft) || !TryBool(json, "maintainer_can_modify", out _))
        {
            return (400, FakeGitHubJson.Message("title, head, base and body must be strings, draft and maintainer_can_modify booleans"));
        }

        var missing = title is null ? "title" : head is null ? "head" : baseRef is null ? "base" : null;
        if (missing is not null)
        {
            return (422, FakeGitHubJson.Validation("PullRequest", missing, "missing_field"));
        }

        var (headOwner, headRef) = SplitHead(head!, owner);
        lock (server.Gate)
        {
            if (server.TakeConcurrentCreate())
            {
                server.Store.Add(NewPullRequest(owner, repo, headOwner, headRef, baseRef!, "Opened by a concurrent run", null, false));
            }

            if (server.Store.Any(p => p.Owner == owner && p.Repo == repo && p.State == "open" && p.HeadOwner == headOwner && p.HeadRef == headRef))
            {
                return (422, FakeGitHubJson.Validation(
                    "PullRequest", null, "custom", $"A pull request already exists for {headOwner}:{headRef}."));
            }

            var created = NewPullRequest(owner, repo, headOwner, headRef, baseRef!, title!, body, draft ?? false);
            server.Store.Add(created);
            return (201, FakeGitHubJson.PullRequest(created));
        }
    }

    public (int Status, JsonNode Answer) Update(string owner, string repo, int number, JsonObject json)
    {
        if (Unexpected(json, "title", "body") is { } field)
        {
            return (400, FakeGitHubJson.Message($"unexpected field '{field}'"));
        }

        if (!TryString(json, "title", out var title) || !TryString(json, "body", out var body))
        {
            return (400, FakeGitHubJson.Message("title and body must be strings"));
        }

        lock (server.Gate)
        {
            if (Find(owner, repo, number) is not { } pullRequest)
            {
                return (404, FakeGitHubJson.Message("Not Found"));
            }

            pullRequest.Title = title ?? pullRequest.Title;
            if (body is not null)
            {
                pullRequest.Body = body;
                pullRequest.BodyUpdates++;
            }

            return (200, FakeGitHubJson.PullRequest(pullRequest));
        }
    }

    private FakePullRequest? Find(string owner, string repo, int number) =>
        server.Store.FirstOrDefault(p => p.Owner == owner && p.Repo == repo && p.Number == number);

    private FakePullRequest NewPullRequest(
        string owner, string repo, string headOwner, string headRef, string baseRef, string title, string? body, bool draft) => new()
        {
            Number = server.Store.Count + 1, Owner = owner, Repo = repo, HeadOwner = headOwner, HeadRef = headRef,
            BaseRef = baseRef, Title = title, Body = body, Draft = draft,
        };

    private static (string Owner, string Ref) SplitHead(string head, string defaultOwner)
    {
        var colon = head.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (defaultOwner, head) : (head[..colon], head[(colon + 1)..]);
    }

    /// <summary>The first field GitHub would not take here (or the fake does not implement), or null.</summary>
    private static string? Unexpected(JsonObject json, params string[] allowed) =>
        json.Select(p => p.Key).FirstOrDefault(key => !allowed.Contains(key, StringComparer.Ordinal));

    /// <summary>Absent or null is fine (value null); any other non-string is a malformed request.</summary>
    private static bool TryString(JsonObject json, string name, out string? value)
    {
        value = null;
        var node = json[name];
        if (node is null)
        {
            return true;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            return false;
        }

        value = node.GetValue<string>();
        return true;
    }

    private static bool TryBool(JsonObject json, string name, out bool? value)
    {
        value = null;
        var node = json[name];
        if (node is null)
        {
            return true;
        }

        if (node.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
        {
            return false;
        }

        value = node.GetValue<bool>();
        return true;
    }
}
