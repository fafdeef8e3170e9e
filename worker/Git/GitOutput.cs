namespace AgentConductor.Worker.Git;

/// <summary>What an accepted git command returned: its exit code and its stdout lines (masked).</summary>
internal sealed record GitOutput(int ExitCode, IReadOnlyList<string> StandardOutput)
{
    /// <summary>The first stdout line, trimmed; for commands that print one value (a sha).</summary>
    public string FirstLine => StandardOutput.Count > 0 ? StandardOutput[0].Trim() : "";
}
