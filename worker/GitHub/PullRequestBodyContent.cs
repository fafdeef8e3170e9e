namespace AgentConductor.Worker.GitHub;

/// <summary>What goes into a pull request body; <see cref="PullRequestBody.Build"/> renders it.</summary>
internal sealed record PullRequestBodyContent
{
    /// <summary>The agent's own summary (Markdown).</summary>
    public required string Summary { get; init; }

    /// <summary>What the work came from: "PAY-412" or "Incident 7 in 111122223333: HighErrorRate".</summary>
    public required string SourceTitle { get; init; }

    /// <summary>Link to the ticket or the alarm, if known.</summary>
    public Uri? SourceUrl { get; init; }

    public required string JobId { get; init; }

    public long InputTokens { get; init; }

    public long CachedInputTokens { get; init; }

    public long OutputTokens { get; init; }

    /// <summary>How the run ended.</summary>
    public PullRequestBodyStatus Status { get; init; } = PullRequestBodyStatus.Completed;

    /// <summary>With <see cref="PullRequestBodyStatus.StoppedAtBudget"/>: which limit, in words ("spent 5.02 USD of the job's 5.00 USD limit").</summary>
    public string? BudgetStopReason { get; init; }

    /// <summary>What the run cost in USD, estimated from the job's prices (<c>Budget.JobBudgetRules.Cost</c>); null when unknown.</summary>
    public decimal? Cost { get; init; }

    /// <summary>The job's page on the conductor's dashboard (<c>JobSpec.job_url</c>), if the conductor has a public URL.</summary>
    public Uri? JobUrl { get; init; }

    /// <summary>The checks and commands the agent ran, in order.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];
}
