namespace AgentConductor.Worker.Workspace;

/// <summary>A task file could not be placed in the workspace; names the file's path as the conductor sent it.</summary>
internal sealed class TaskFileException : Exception
{
    public TaskFileException(TaskFileError error, string path, string reason)
        : base($"Task file '{Printable(path)}' refused ({error}): {reason}")
    {
        Error = error;
        Path = path;
    }

    /// <summary>What was wrong.</summary>
    public TaskFileError Error { get; }

    /// <summary>The file's path as sent by the conductor.</summary>
    public string Path { get; }

    // A hostile path may carry NUL or other control characters; keep the message one printable line.
    private static string Printable(string path)
        => string.Concat(path.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
