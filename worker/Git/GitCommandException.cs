namespace AgentConductor.Worker.Git;

/// <summary>
/// A git command that failed: its subcommand, its exit code (null when it was stopped after its timeout) and the
/// last lines of its stderr, masked. Never carries the token.
/// </summary>
internal sealed class GitCommandException : Exception
{
    public GitCommandException(string subcommand, int? exitCode, string standardError)
        : base(Describe(subcommand, exitCode, standardError))
    {
        Subcommand = subcommand;
        ExitCode = exitCode;
        StandardError = standardError;
    }

    public string Subcommand { get; }

    /// <summary>The exit code, or null when the command timed out.</summary>
    public int? ExitCode { get; }

    /// <summary>The last lines git wrote to stderr, masked.</summary>
    public string StandardError { get; }

    private static string Describe(string subcommand, int? exitCode, string standardError)
    {
        var what = exitCode is { } code ? $"git {subcommand} failed with exit code {code}" : $"git {subcommand} timed out";
        return standardError.Length == 0 ? what + "." : $"{what}: {standardError}";
    }
}
