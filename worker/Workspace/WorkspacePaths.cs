namespace AgentConductor.Worker.Workspace;

/// <summary>Turns a task file's relative path into a full path that is certain to stay inside the workspace.</summary>
internal static class WorkspacePaths
{
    /// <summary>
    /// The full path of <paramref name="relativePath"/> under <paramref name="workspaceRoot"/>. Refuses (with
    /// <see cref="TaskFileException"/>) an empty path, an absolute one, backslashes, NUL, empty, "." or ".."
    /// segments, a result outside the workspace, and any path whose existing segments include a symbolic link.
    /// </summary>
    public static string Resolve(string workspaceRoot, string relativePath)
    {
        if (string.IsNullOrEmpty(relativePath))
        {
            throw Unsafe(relativePath, "the path is empty");
        }

        if (relativePath.Contains('\0', StringComparison.Ordinal))
        {
            throw Unsafe(relativePath, "the path contains NUL");
        }

        if (relativePath.Contains('\\', StringComparison.Ordinal))
        {
            throw Unsafe(relativePath, "the path contains a backslash; paths are '/'-separated");
        }

        if (relativePath.StartsWith('/') || Path.IsPathRooted(relativePath))
        {
            throw Unsafe(relativePath, "the path is absolute");
        }

        var segments = relativePath.Split('/');
        foreach (var segment in segments)
        {
            if (segment is ".." or "." or "")
            {
                throw Unsafe(relativePath, $"the path has a '{segment}' segment; only plain names are allowed");
            }
        }

        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workspaceRoot));
        var fullPath = Path.GetFullPath(Path.Combine(root, relativePath));
        if (!fullPath.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw Unsafe(relativePath, "the path leads outside the workspace");
        }

        ThrowIfThroughSymlink(root, segments, relativePath);
        return fullPath;
    }

    // Each segment that exists (file, directory or dangling link) must not be a link: a link could point anywhere.
    private static void ThrowIfThroughSymlink(string root, string[] segments, string relativePath)
    {
        var current = root;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                throw Unsafe(relativePath, $"'{Path.GetRelativePath(root, current)}' in the workspace is a symbolic link");
            }

            if (!info.Exists && !Directory.Exists(current))
            {
                return;
            }
        }
    }

    private static TaskFileException Unsafe(string path, string reason) => new(TaskFileError.UnsafePath, path, reason);
}
