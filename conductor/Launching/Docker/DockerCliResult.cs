namespace AgentConductor.Conductor.Launching.Docker;

/// <summary>How one docker CLI call ended: its exit code and everything it printed.</summary>
internal sealed record DockerCliResult(int ExitCode, string Stdout, string Stderr)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The object the call named does not exist (the engine answered, it just has no such container).</summary>
    public bool NotFound => ExitCode != 0 && (Stderr.Contains("No such container", StringComparison.Ordinal) || Stderr.Contains("No such object", StringComparison.Ordinal));

    /// <summary>What docker said went wrong, on one line and bounded, for messages.</summary>
    public string Error
    {
        get
        {
            var text = string.Join(' ', Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            text = text.Length == 0 ? $"exit code {ExitCode}, nothing on stderr" : text;
            return text.Length > 500 ? text[..500] + "..." : text;
        }
    }
}
