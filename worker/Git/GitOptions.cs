namespace AgentConductor.Worker.Git;

/// <summary>How the worker runs git: the commit identity, the clone depth and the per-command timeout. The token is in <c>WorkerSecrets</c>.</summary>
internal sealed class GitOptions
{
    public const string Section = "Git";

    public string AuthorName { get; set; } = "Agent Conductor";

    public string AuthorEmail { get; set; } = "agent-conductor@users.noreply.github.com";

    /// <summary>History depth of the clone; 0 clones the full history.</summary>
    public int CloneDepth { get; set; } = 1;

    /// <summary>The longest one git command may run before it is stopped.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Every problem with these settings at once, so a bad configuration fails at startup with the full list.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(AuthorName) || string.IsNullOrWhiteSpace(AuthorEmail))
        {
            problems.Add("Git:AuthorName and Git:AuthorEmail must not be empty.");
        }

        if (CloneDepth < 0)
        {
            problems.Add($"Git:CloneDepth must be 0 (full history) or more, got {CloneDepth}.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            problems.Add($"Git:Timeout must be positive, got {Timeout}.");
        }

        return problems;
    }
}
