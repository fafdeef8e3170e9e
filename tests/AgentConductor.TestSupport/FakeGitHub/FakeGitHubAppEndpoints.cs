using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>
/// The App endpoints: the repository's installation, and minting an installation token scoped as asked. As GitHub: 404
/// for an installation that is not the App's (or a repository it does not cover), 422 for a repository outside the
/// installation or a permission it was not granted. A malformed body is a strict-check failure (400).
/// </summary>
internal sealed class FakeGitHubAppEndpoints(FakeGitHubApp app)
{
    private const string NotFoundDocs = "https://docs.github.com/rest";

    public (int Status, JsonNode Answer) Installation(string owner, string repo)
    {
        if (app.InstallationFor(owner, repo) is not { } installation)
        {
            return (404, new JsonObject { ["message"] = "Not Found", ["documentation_url"] = NotFoundDocs });
        }

        return (200, new JsonObject
        {
            ["id"] = installation.Id,
            ["account"] = new JsonObject { ["login"] = installation.Owner, ["id"] = 1, ["type"] = "Organization" },
            ["app_id"] = long.TryParse(app.AppId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0,
            ["target_type"] = "Organization",
            ["repository_selection"] = "selected",
            ["access_tokens_url"] = $"https://api.github.test/app/installations/{installation.Id}/access_tokens",
            ["permissions"] = Permissions(installation.Permissions),
            ["events"] = new JsonArray(),
        });
    }

    public (int Status, JsonNode Answer) CreateToken(long installationId, JsonObject json)
    {
        if (json.Select(p => p.Key).FirstOrDefault(k => k is not ("repositories" or "repository_ids" or "permissions")) is { } field)
        {
            return (400, FakeGitHubJson.Message($"unexpected field '{field}'"));
        }

        if (json["repository_ids"] is not null)
        {
            return (400, FakeGitHubJson.Message("the fake scopes tokens by repository name only"));
        }

        if (!TryNames(json["repositories"], out var repositories) || !TryPermissions(json["permissions"], out var requested))
        {
            return (400, FakeGitHubJson.Message("repositories must be an array of names, permissions an object of strings"));
        }

        if (app.Installation(installationId) is not { } installation)
        {
            return (404, new JsonObject { ["message"] = "Not Found", ["documentation_url"] = NotFoundDocs });
        }

        if (repositories.Any(r => !installation.Repositories.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            return (422, FakeGitHubJson.Message("There is at least one repository that does not exist or is not accessible to the parent installation."));
        }

        if (requested.Any(p => FakeInstallationToken.Level(p.Value) == 0
            || FakeInstallationToken.Level(installation.Permissions.GetValueOrDefault(p.Key)) < FakeInstallationToken.Level(p.Value)))
        {
            return (422, FakeGitHubJson.Message("The permissions requested are not granted to this installation."));
        }

        var minted = app.Mint(
            installation,
            repositories.Count > 0 ? repositories : installation.Repositories,
            requested.Count > 0 ? requested : installation.Permissions);
        return (201, new JsonObject
        {
            ["token"] = minted.Token,
            ["expires_at"] = minted.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["permissions"] = Permissions(minted.Permissions),
            ["repository_selection"] = "selected",
            ["repositories"] = new JsonArray([.. minted.Repositories.Select(r => (JsonNode)new JsonObject { ["name"] = r[(r.IndexOf('/', StringComparison.Ordinal) + 1)..], ["full_name"] = r })]),
        });
    }

    private static JsonObject Permissions(IReadOnlyDictionary<string, string> permissions) =>
        new([.. permissions.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))]);

    private static bool TryNames(JsonNode? node, out List<string> names)
    {
        names = [];
        if (node is null)
        {
            return true;
        }

        if (node is not JsonArray array || array.Any(n => n?.GetValueKind() != JsonValueKind.String))
        {
            return false;
        }

        names = [.. array.Select(n => n!.GetValue<string>())];
        return true;
    }

    private static bool TryPermissions(JsonNode? node, out Dictionary<string, string> permissions)
    {
        permissions = [];
        if (node is null)
        {
            return true;
        }

        if (node is not JsonObject map || map.Any(p => p.Value?.GetValueKind() != JsonValueKind.String))
        {
            return false;
        }

        permissions = map.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        return true;
    }
}
