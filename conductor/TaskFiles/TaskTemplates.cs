namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// The template files of one job kind: every file under <c>&lt;template folder&gt;/&lt;kind&gt;/</c>, recursively, in ordinal
/// path order. A symbolic link or an unsafe name anywhere in the folder refuses the whole set.
/// </summary>
internal static class TaskTemplates
{
    public const string JobJson = "job.json";

    public static IReadOnlyList<(string Path, string FullPath)> List(string templateFolder, string kind)
    {
        var root = Path.Combine(templateFolder, kind);
        if (!Directory.Exists(root))
        {
            throw new TaskFileException($"The template folder '{templateFolder}' has no '{kind}' folder.");
        }

        var files = new List<(string, string)>();
        Walk(root, "", files);
        files.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return files;
    }

    private static void Walk(string folder, string prefix, List<(string, string)> files)
    {
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos())
        {
            var path = prefix + entry.Name;
            if (TaskFilePaths.Problem(path) is { } problem)
            {
                throw new TaskFileException($"Refusing template '{path}' in '{folder}': it {problem}.");
            }

            if (entry.LinkTarget is not null)
            {
                throw new TaskFileException($"Refusing template '{path}' in '{folder}': it is a symbolic link.");
            }

            if (entry is DirectoryInfo directory)
            {
                Walk(directory.FullName, path + "/", files);
            }
            else if (path == JobJson)
            {
                throw new TaskFileException($"Refusing template '{path}' in '{folder}': the conductor generates {JobJson}.");
            }
            else
            {
                files.Add((path, entry.FullName));
            }
        }
    }
}
