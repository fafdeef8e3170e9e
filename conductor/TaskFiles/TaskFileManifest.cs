using System.Text.Json;

namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// The list of a job's materialised files (<c>&lt;job folder&gt;/task-files.json</c>), written after the files, so a job's
/// task files are assembled once and every handshake and download sees the same content.
/// </summary>
internal static class TaskFileManifest
{
    public const string FileName = "task-files.json";

    public static IReadOnlyList<TaskFile>? TryRead(string jobFolder)
    {
        var path = Path.Combine(jobFolder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        return JsonSerializer.Deserialize<List<TaskFile>>(File.ReadAllBytes(path))
            ?? throw new TaskFileException($"The task file manifest '{path}' is empty.");
    }

    public static void Write(string jobFolder, IReadOnlyList<TaskFile> files)
    {
        var path = Path.Combine(jobFolder, FileName);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(files));
        File.Move(temporary, path, overwrite: true);
    }
}
