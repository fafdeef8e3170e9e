namespace AgentConductor.TestSupport.FakeGitHub;

/// <summary>A token the fake minted: what it can reach (<c>owner/name</c>), with which permissions, until when.</summary>
public sealed record FakeInstallationToken(
    string Token, long InstallationId, IReadOnlyList<string> Repositories, IReadOnlyDictionary<string, string> Permissions, DateTimeOffset ExpiresAt)
{
    public static int Level(string? level) => level switch
    {
        "read" => 1,
        "write" => 2,
        "admin" => 3,
        _ => 0,
    };

    public bool Reaches(string owner, string repo) => Repositories.Contains($"{owner}/{repo}", StringComparer.OrdinalIgnoreCase);

    public bool Allows(string permission, string level) => Level(Permissions.GetValueOrDefault(permission)) >= Level(level);
}
