using AgentConductor.Proto.V1;

namespace AgentConductor.Worker.Run;

/// <summary>How a job ended, as reported to the conductor and as the process exit code.</summary>
internal sealed record JobOutcome(ResultStatus Status, int ExitCode, string? ErrorCode = null, string? ErrorMessage = null)
{
    public string? Summary { get; init; }

    public TokenUsage Usage { get; init; } = new();

    public string? Branch { get; init; }

    public string? HeadCommit { get; init; }

    public string? PullRequestUrl { get; init; }

    public static JobOutcome Fail(int exitCode, string code, string message) => new(ResultStatus.Failed, exitCode, code, message);
}
