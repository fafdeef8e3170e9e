namespace AgentConductor.Conductor.TaskFiles;

/// <summary>
/// The rules for task file paths: relative, '/'-separated, no <c>..</c>, no backslashes or control characters,
/// and never reached through a symbolic link. Applied when templates are read and again when files are served.
/// </summary>
internal static class TaskFilePaths
{
    /// <summary>Why <paramref name="path"/> is not an acceptable task file path, or null when it is.</summary>
    public static string? Problem(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "is empty";
        }

        if (path[0] is '/' or '\\' || Path.IsPathRooted(path) || (path.Length > 1 && path[1] == ':'))
        {
            return "is absolute";
        }

        if (path.Contains("..", StringComparison.Ordinal))
        {
            return "contains '..'";
        }

        if (path.Contains('\\', StringComparison.Ordinal))
        {
            return "contains a backslash";
        }

        if (path.Any(char.IsControl))
        {
            return "contains control characters";
        }

        return path.Split('/').Any(segment => segment.Length == 0 || segment == ".") ? "has an empty or '.' segment" : null;
    }

    /// <summary>
    /// The full path of <paramref name="path"/> under <paramref name="root"/>; throws <see cref="TaskFileException"/> when the
    /// path breaks the rules or any segment below the root is a symbolic link.
    /// </summary>
    public static string Resolve(string root, string path)
    {
        if (Problem(path) is { } problem)
        {
            throw new TaskFileException($"Refusing task file path '{path}': it {problem}.");
        }

        var current = root;
        foreach (var segment in path.Split('/'))
        {
            current = System.IO.Path.Combine(current, segment);
            if (IsLink(current))
            {
                throw new TaskFileException($"Refusing task file path '{path}': it resolves through a symbolic link.");
            }
        }

        return current;
    }

    public static bool IsLink(string fullPath) => new FileInfo(fullPath).LinkTarget is not null;
}
