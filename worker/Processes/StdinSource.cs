namespace AgentConductor.Worker.Processes;

/// <summary>The content of a child's stdin: nothing, a string (written as UTF-8), or the bytes of a file.</summary>
internal sealed record StdinSource
{
    private StdinSource(string? text, string? filePath)
    {
        Text = text;
        FilePath = filePath;
    }

    /// <summary>Stdin is closed at once.</summary>
    public static StdinSource None { get; } = new(null, null);

    public string? Text { get; }

    public string? FilePath { get; }

    public static StdinSource FromText(string text) => new(text, null);

    public static StdinSource FromFile(string path) => new(null, path);
}
