using System.Text.Json;

namespace AgentConductor.TestSupport.ScriptedModel;

/// <summary>
/// The real Codex CLI the tests run: the version pinned in <c>docker/codex</c> (the same lock file the worker image
/// installs from), installed by <c>scripts/test.sh</c> with <c>npm ci --prefix docker/codex</c>.
/// </summary>
public static class CodexCli
{
    /// <summary>The npm wrapper (<c>docker/codex/node_modules/.bin/codex</c>), as the image runs it.</summary>
    public static string Path { get; } = System.IO.Path.Combine(RepoPaths.Root, "docker", "codex", "node_modules", ".bin", "codex");

    /// <summary>The pinned version (<c>0.169.0</c>), from <c>docker/codex/package.json</c>.</summary>
    public static string PinnedVersion { get; } = ReadPin();

    /// <summary><see cref="Path"/>; throws, saying how to install it, when it is missing.</summary>
    public static string Require() => File.Exists(Path)
        ? Path
        : throw new InvalidOperationException(
            $"The pinned Codex CLI is not installed at {Path}: run `npm ci --prefix docker/codex --omit=dev` (scripts/test.sh does).");

    private static string ReadPin()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(RepoPaths.Root, "docker", "codex", "package.json")));
        return package.RootElement.GetProperty("dependencies").GetProperty("@openai/codex").GetString()!;
    }
}
