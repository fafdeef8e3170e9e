namespace AgentConductor.Worker.Git;

/// <summary>How the worker runs git: the commit identity, the clone depth, the per-command timeout and the token.</summary>
internal sealed class GitOptions
{
    public const string Section = "Git";

    public string AuthorName { get; set; } = "Agent Conductor";

    public string AuthorEmail { get; set; } = "agent-conductor@users.noreply.github.com";

    /// <summary>History depth of the clone; 0 clones the full history.</summary>
    public int CloneDepth { get; set; } = 1;

    /// <summary>The longest one git command may run before it is stopped.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The job's GitHub token. Set from the job's secrets at run time, never from a config file. It reaches git
    /// only through the child's environment (see <see cref="GitCredentialHelper"/>); never logged.
    /// </summary>
    public string? Token { get; set; }

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
