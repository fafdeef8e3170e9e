using System.Text.Json;
using AgentConductor.TestSupport;

namespace AgentConductor.Worker.Tests.Agent;

/// <summary>
/// What the real pinned Codex CLI printed for one scripted-model scenario, recorded by
/// <c>tests/tools/record-codex-transcripts.sh</c> into <c>tests/tools/codex-transcripts/</c>.
/// </summary>
internal sealed record RecordedTranscript(
    string Name, IReadOnlyList<string> Stdout, IReadOnlyList<string> Stderr, int ExitCode, string? LastMessage, string Repository, bool Interrupted)
{
    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "tools", "codex-transcripts");

    public static RecordedTranscript Load(string name)
    {
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".meta.json")));
        var root = meta.RootElement;
        return new RecordedTranscript(
            name,
            File.ReadAllLines(Path.Combine(Folder, name + ".jsonl")),
            [.. root.GetProperty("stderr").EnumerateArray().Select(l => l.GetString()!)],
            root.GetProperty("exitCode").GetInt32(),
            root.GetProperty("lastMessage").GetString(),
            root.GetProperty("repository").GetString()!,
            root.GetProperty("interrupted").GetBoolean());
    }
}
